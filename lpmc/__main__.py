from lpmc.cli import main

raise SystemExit(main())
