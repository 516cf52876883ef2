"""`python -m lpmc tag FILE... [--model NAME] [--json]`: song-level tags and tags per 10 s chunk."""

import argparse
import json
import sys
from typing import TYPE_CHECKING

from lpmc.cli import add_model_option
from lpmc.errors import LpmcError
from lpmc.tagging import load_tagger
from lpmc.tasks import TAGGING

if TYPE_CHECKING:
    from lpmc.tagging.result import TagResult

TOP_TAGS = 10
TOP_CHUNK_TAGS = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tag", help="tag audio files over time with a pretrained tagger")
    parser.add_argument("files", nargs="+", metavar="FILE", help="wav, flac, ogg, mp3 or m4a/aac files")
    add_model_option(parser, "--model", TAGGING, "the first available in the registry's order")
    parser.add_argument("--json", action="store_true", help="print JSON: per file, tags and the taggram")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Tag every file; a file that fails gets one error line on stderr and a non-zero exit code."""
    from lpmc.audio import decode_audio

    tagger = load_tagger(args.model)
    outputs, failed = [], False
    for path in args.files:
        try:
            audio, sr = decode_audio(path)
            result = tagger.tag(audio, sr)
        except LpmcError as error:
            print(f"error: {path}: {error}", file=sys.stderr)
            failed = True
            continue
        if args.json:
            outputs.append({"file": path, **result.to_dict()})
        else:
            print(describe(path, result))
    if args.json:
        print(json.dumps(outputs, indent=1))
    return 2 if failed else 0


def describe(path: str, result: "TagResult") -> str:
    """Human-readable summary: the top song-level tags, then the leading tags of each 10 s chunk."""
    from lpmc.audio import chunk_bounds, format_timestamp

    length = format_timestamp(result.duration)
    lines = [f"{path}  ({length}, {result.model}, mean over {len(result.starts)} windows)"]
    lines += [f"  {score:.3f}  {tag}" for tag, score in result.top(TOP_TAGS)]
    bounds = chunk_bounds(result.duration)
    for (start, end), scores in zip(bounds, result.chunk_scores(bounds), strict=True):
        leading = ", ".join(result.tags[i] for i in scores.argsort()[::-1][:TOP_CHUNK_TAGS])
        lines.append(f"  {format_timestamp(start)}-{format_timestamp(end)}  {leading}")
    return "\n".join(lines)
