"""How long the command line takes to answer, as a user waits for it (process start included).

    python bench/cli_start.py [--repeats 5]

Times `python -m lpmc --help` and `python -m lpmc models` in fresh processes and prints the median and
range of each. `models` checks every registry entry (sha256 of the shipped assets, the Hugging Face cache,
a probe of the hub unless HF_HUB_OFFLINE is set) without importing torch.
"""

import argparse
import platform
import statistics
import subprocess
import sys
import time

from common import PROJECT_DIR, cpu_model

COMMANDS = (["--help"], ["models"])


def seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lpmc", *argv], cwd=PROJECT_DIR, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}; Python {platform.python_version()}; {args.repeats} runs each")
    for argv in COMMANDS:
        times = [seconds(argv) for _ in range(args.repeats)]
        print(
            f"python -m lpmc {' '.join(argv):<8} median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f})"
        )


if __name__ == "__main__":
    main()
