"""Command line: `python -m lpmc COMMAND ...`.

Each feature package adds its own commands through a `register(subparsers)` function; this file only
assembles them, adds `models`, and turns user-facing errors into one clear line.
"""

import argparse
import importlib
import json
import logging
import sys

from lpmc import registry
from lpmc.errors import LpmcError

# Packages that contribute commands; a new feature adds its `cli` module here.
COMMAND_MODULES = ("lpmc.text.cli", "lpmc.tagging.cli", "lpmc.captioning.cli", "lpmc.recommend.cli")


def run_models(args: argparse.Namespace) -> int:
    rows = registry.table()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        status = "available  " if row["available"] else "unavailable"
        print(f"{row['name']:<28} {row['task']:<20} {status} {row['reason']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lpmc", description="lpmc: music captioning studio")
    subparsers = parser.add_subparsers(dest="command", required=True)
    models = subparsers.add_parser("models", help="list every model with its availability and reason")
    models.add_argument("--json", action="store_true", help="print JSON")
    models.set_defaults(func=run_models)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LpmcError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
