"""Command line: `python -m lpmc COMMAND ...`.

Each feature package adds its own commands through a `register(subparsers)` function; this file only
assembles them, adds `models`, and turns user-facing errors into one clear line. Command modules import
torch and the models only inside the command that needs them, so `--help` and `models` start fast.
"""

import argparse
import importlib
import json
import logging
import sys

from lpmc import registry, runtime
from lpmc.errors import LpmcError
from lpmc.tasks import AUTO, TASKS

# Packages that contribute commands; a new feature adds its `cli` module here.
COMMAND_MODULES = (
    "lpmc.text.cli",
    "lpmc.tagging.cli",
    "lpmc.captioning.cli",
    "lpmc.recommend.cli",
    "lpmc.playlist.cli",
)


def add_model_option(parser: argparse.ArgumentParser, flag: str, task: str, auto_means: str) -> None:
    """`flag NAME`: a model of `task`, any registry name or alias, or "auto" (`auto_means` says what it
    picks). The choices are the registry's, so a new entry is accepted here with no edit."""
    accepted = registry.accepted(task)
    parser.add_argument(
        flag,
        choices=accepted,
        default=AUTO,
        metavar="NAME",
        help=f"the model for {task} ({', '.join(accepted)}); auto = {auto_means} (python -m lpmc models)",
    )


def run_models(args: argparse.Namespace) -> int:
    rows = registry.table()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for task in TASKS:
        print(f"{task}:")
        for row in rows:
            if row["task"] == task:
                status = "available  " if row["available"] else "unavailable"
                aliases = f" (or {', '.join(row['aliases'])})" if row["aliases"] else ""
                print(f"  {row['name'] + aliases:<38} {status} {row['reason']}")
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
    runtime.setup()
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
