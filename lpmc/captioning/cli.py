"""`python -m lpmc caption FILE... [--model NAME] [--json] [--batch-size N]`: a caption for every 10 s;
`python -m lpmc caption DIR --out captions.jsonl [--workers N] [--format F] [--backend ray]`: a folder."""

import argparse
import json
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from lpmc import settings
from lpmc.cli import add_model_option
from lpmc.errors import InputError, LpmcError
from lpmc.tasks import AUDIO_CAPTIONING

if TYPE_CHECKING:
    from lpmc.audio import DecodedAudio
    from lpmc.captioning.pipeline import SongCaption


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("caption", help="caption every 10 s of audio files, with the tags heard")
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="wav, flac, ogg, mp3 or m4a/aac files, or one folder with --out",
    )
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
    add_batch_options(parser)
    parser.set_defaults(func=run)


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    """The options of a folder run (lpmc/captioning/batch.py)."""
    from lpmc.captioning.batch import BACKENDS, FORMATS  # no model or torch behind these names

    folder = parser.add_argument_group("a folder (resumable: a rerun skips the files already in --out)")
    folder.add_argument("--out", metavar="FILE.jsonl", help="caption the folder into this JSON-lines file")
    folder.add_argument(
        "--workers", type=int, metavar="N", help="files captioned side by side (default 1; Ray: every CPU)"
    )
    folder.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="also write each song as csv, srt or vtt into a folder beside --out",
    )
    folder.add_argument(
        "--backend", choices=BACKENDS, default="local", help="where to caption (default local)"
    )
    folder.add_argument(
        "--address",
        metavar="ADDR",
        help="the Ray cluster to join, e.g. ray://head:10001 (default: start one)",
    )


def run(args: argparse.Namespace) -> int:
    """Caption every file; a file that fails gets one error line on stderr and a non-zero exit code."""
    if args.batch_size < 1:
        raise InputError(f"--batch-size must be at least 1 (got {args.batch_size}).")
    if args.out or any(Path(path).is_dir() for path in args.files):
        return run_folder(args)
    if args.workers or args.format != "jsonl" or args.backend != "local" or args.address:
        raise InputError(
            "--workers, --format, --backend and --address are for a folder: DIR --out FILE.jsonl."
        )
    from lpmc.audio import decode_for_listening  # imports no torch

    outputs, failed = [], False
    with ThreadPoolExecutor(1) as decoder:
        # Each file is decoded while the one before is captioned, the first while torch loads (-0.7 s).
        decoding = decoder.submit(decode_for_listening, args.files[0])
        for index, path in enumerate(args.files):
            current = decoding
            if index + 1 < len(args.files):
                decoding = decoder.submit(decode_for_listening, args.files[index + 1])
            try:
                result = _caption(path, current, args)
            except LpmcError as error:
                print(f"error: {path}: {error}", file=sys.stderr)
                failed = True
                continue
            outputs.append(result.to_dict())
    if args.json:
        print(json.dumps(outputs, indent=1))
    return 2 if failed else 0


def _caption(path: str, decoding: "Future[DecodedAudio]", args: argparse.Namespace) -> "SongCaption":
    """The finished caption; in human mode each chunk is printed as soon as it is captioned."""
    from lpmc.captioning.pipeline import iter_caption_file

    printed = 0
    result = None
    for result in iter_caption_file(path, args.model, args.batch_size, decoding=decoding):
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


def run_folder(args: argparse.Namespace) -> int:
    """`caption DIR --out FILE.jsonl`: 0 when every file has its captions, 2 when some are unreadable."""
    from lpmc.captioning.batch import caption_folder

    if len(args.files) != 1 or not Path(args.files[0]).is_dir() or not args.out:
        raise InputError(
            "Give one folder and where to write: python -m lpmc caption DIR --out captions.jsonl"
        )
    # Workers (processes, Ray actors) read the setting from the environment they inherit.
    os.environ["LPMC_CAPTION_BATCH_SIZE"] = str(args.batch_size)
    report = caption_folder(
        args.files[0], args.out, args.model, args.workers, args.format, args.backend, args.address
    )
    print(report.summary())
    return 2 if report.unreadable else 0
