"""`python -m lpmc caption FILE... [--model NAME] [--json] [--batch-size N]`: a caption for every 10 s."""

import argparse
import json
import sys
from typing import TYPE_CHECKING

from lpmc import settings
from lpmc.cli import add_model_option
from lpmc.errors import InputError, LpmcError
from lpmc.tasks import AUDIO_CAPTIONING

if TYPE_CHECKING:
    from lpmc.captioning.pipeline import SongCaption


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("caption", help="caption every 10 s of audio files, with the tags heard")
    parser.add_argument("files", nargs="+", metavar="FILE", help="wav, flac, ogg, mp3 or m4a/aac files")
    auto_means = "the first available (LP-MusicCaps when its weights are here, else builtin)"
    add_model_option(parser, "--model", AUDIO_CAPTIONING, auto_means)
    parser.add_argument("--json", action="store_true", help="print JSON: per file, the chunk captions")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=settings.caption_batch_size(),
        metavar="N",
        help=f"chunks per LP-MusicCaps batch (default {settings.caption_batch_size()})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Caption every file; a file that fails gets one error line on stderr and a non-zero exit code."""
    if args.batch_size < 1:
        raise InputError(f"--batch-size must be at least 1 (got {args.batch_size}).")
    outputs, failed = [], False
    for path in args.files:
        try:
            result = _caption(path, args)
        except LpmcError as error:
            print(f"error: {path}: {error}", file=sys.stderr)
            failed = True
            continue
        outputs.append(result.to_dict())
    if args.json:
        print(json.dumps(outputs, indent=1))
    return 2 if failed else 0


def _caption(path: str, args: argparse.Namespace) -> "SongCaption":
    """The finished caption; in human mode each chunk is printed as soon as it is captioned."""
    from lpmc.captioning.pipeline import iter_caption_file

    printed = 0
    result = None
    for result in iter_caption_file(path, args.model, args.batch_size):
        if args.json:
            continue
        if printed == 0 and result.chunks:
            print(header(result))
        for chunk in result.chunks[printed:]:
            print(f"  {chunk.timestamp}  {chunk.text}")
        printed = len(result.chunks)
    if not args.json:
        print(f"  Summary: {result.summary}\n")
    return result


def header(result: "SongCaption") -> str:
    """First lines of the human output: file, length, model and why a stronger model was not used."""
    from lpmc.audio import format_timestamp

    lines = [f"{result.file}  ({format_timestamp(result.duration)}, {result.model})"]
    if result.note:
        lines.append(f"  note: {result.note}")
    return "\n".join(lines)
