"""`python -m lpmc tags2caption`: write a caption for tags, or for a JSON-lines batch."""

import argparse
import json
import sys

from lpmc.cli import add_model_option
from lpmc.errors import InputError, LpmcError
from lpmc.tasks import TAG_CAPTIONING
from lpmc.text.caption import tags_to_caption
from lpmc.text.prompts import DEFAULT_LANGUAGE, STYLES


def register(subparsers) -> None:
    """Add the tags2caption command to the lpmc command line."""
    parser = subparsers.add_parser(
        "tags2caption",
        help="write a music caption from tags",
        description="Write a music caption from tags with an LLM endpoint or the built-in writer.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--tags", help='comma-separated tags, e.g. "lo-fi, mellow piano, slow tempo"')
    source.add_argument(
        "--jsonl",
        type=argparse.FileType("r", encoding="utf-8"),
        help='file of lines {"id": ..., "tags": [...]} ("-" for stdin); '
        'prints lines {"id", "caption", "backend"}',
    )
    parser.add_argument("--style", choices=STYLES, default="writing")
    parser.add_argument(
        "--language",
        default=DEFAULT_LANGUAGE,
        help="the language LLM backends write the caption in (the built-in writer writes English)",
    )
    add_model_option(parser, "--backend", TAG_CAPTIONING, "the first that is available and answers")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.jsonl:
        return run_batch(args.jsonl, args.style, args.backend, args.language)
    caption = tags_to_caption(args.tags, args.style, args.backend, language=args.language)
    if args.json:
        print(json.dumps(caption.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(caption.text)
    if caption.new_attributes:
        print(f"New attributes: {', '.join(caption.new_attributes)}")
    lines = [f"Written by: {caption.backend} ({caption.model})", caption.note, *caption.warnings]
    for line in [*lines, caption.coverage_summary(), *caption.contradictions]:
        if line:
            print(line, file=sys.stderr)
    return 0


def run_batch(lines, style: str, backend: str, language: str = DEFAULT_LANGUAGE) -> int:
    """One output line per input line; a bad line yields {"id", "error"} and the batch goes on."""
    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_id = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InputError(f'line {number} is not a JSON object with "id" and "tags".')
            item_id = item.get("id", number)
            tags = item.get("tags")
            if not isinstance(tags, (list, str)):
                raise InputError(f'line {number} has no "tags" list.')
            caption = tags_to_caption(tags, style, backend, language=language)
            result = {"id": item_id, "caption": caption.text, "backend": caption.backend}
            if caption.new_attributes:
                result["new_attributes"] = caption.new_attributes
        except json.JSONDecodeError:
            failures += 1
            result = {"id": item_id, "error": f"line {number} is not valid JSON."}
        except LpmcError as error:
            failures += 1
            result = {"id": item_id, "error": str(error)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if failures else 0
