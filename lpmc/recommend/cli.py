"""`python -m lpmc recommend --image PHOTO --text WORDS ...` (songs for a photo and/or words),
`python -m lpmc index DIR` (library), `python -m lpmc similar FILE` (tracks of the library that sound like
it), `python -m lpmc search WORDS` (tracks of the library by words)."""

import argparse
import json
from typing import TYPE_CHECKING

from lpmc.cli import add_model_option
from lpmc.errors import InputError
from lpmc.recommend import CATALOGS, MAX_TOP
from lpmc.tasks import IMAGE_UNDERSTANDING

if TYPE_CHECKING:
    from lpmc.recommend.recommend import Recommendation
    from lpmc.recommend.search import SearchResults
    from lpmc.recommend.similar import Neighbours


TOP_WORDS = 12


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("recommend", help="recommend songs that fit a photo's scene and mood")
    parser.add_argument(
        "--image", default=None, metavar="PHOTO", help="JPEG, PNG, WebP, ... photo (optional with --text)"
    )
    parser.add_argument(
        "--text", default="", help='words about the moment ("rainy walk home, nostalgic"); they lead'
    )
    parser.add_argument("--top", type=int, default=10, help=f"number of songs (1-{MAX_TOP})")
    parser.add_argument("--catalog", choices=CATALOGS, default="jamendo", help="where the songs come from")
    parser.add_argument(
        "--library",
        default=None,
        metavar="NAME",
        help="library for --catalog library (see LPMC_LIBRARY_DB)",
    )
    add_model_option(parser, "--reader", IMAGE_UNDERSTANDING, "every available one, combined")
    parser.add_argument("--json", action="store_true", help="print JSON: analysis and songs")
    parser.set_defaults(func=run)

    index = subparsers.add_parser("index", help="tag a music folder into a library index for recommendations")
    index.add_argument("folder", metavar="DIR", help="folder with your music (searched recursively)")
    index.add_argument(
        "--library",
        default=None,
        metavar="NAME",
        help="library of LPMC_LIBRARY_DB (default: the first)",
    )
    index.set_defaults(func=run_index)

    similar = subparsers.add_parser("similar", help="tracks of your library that sound like a song")
    similar.add_argument("song", metavar="FILE", help="an audio file (in the library or not)")
    add_library_options(similar)
    similar.set_defaults(func=run_similar)

    search = subparsers.add_parser("search", help="search your library by words")
    search.add_argument("words", nargs="+", metavar="WORDS", help='e.g. "rainy night jazz piano"')
    add_library_options(search)
    search.set_defaults(func=run_search)


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """--library, --top and --json of the commands that read an indexed library."""
    parser.add_argument(
        "--library", default=None, metavar="NAME", help="library of LPMC_LIBRARY_DB (default: the first)"
    )
    parser.add_argument("--top", type=int, default=10, help=f"number of tracks (1-{MAX_TOP})")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from lpmc.recommend.recommend import recommend

    if args.image is None and not args.text.strip():
        raise InputError("Give --image PHOTO, --text WORDS, or both.")
    result = recommend(
        args.image,
        text=args.text,
        catalog=args.catalog,
        top=args.top,
        library=args.library,
        reader=args.reader,
    )
    print(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) if args.json else describe(result))
    return 0


def run_index(args: argparse.Namespace) -> int:
    from lpmc.recommend.library import index_folder, library_path

    report = index_folder(args.folder, args.library)
    print(f"{report.summary()} -> {library_path(args.library)}")
    for path, reason in report.skipped:
        print(f"  skipped {path}: {reason}")
    return 0


def run_similar(args: argparse.Namespace) -> int:
    from lpmc.recommend.similar import similar_tracks

    result = similar_tracks(args.song, args.library, args.top)
    print(
        json.dumps(result.to_dict(), indent=1, ensure_ascii=False) if args.json else describe_similar(result)
    )
    return 0


def run_search(args: argparse.Namespace) -> int:
    from lpmc.recommend.search import search_library

    result = search_library(" ".join(args.words), args.library, args.top)
    print(
        json.dumps(result.to_dict(), indent=1, ensure_ascii=False) if args.json else describe_search(result)
    )
    return 0


def describe_similar(result: "Neighbours") -> str:
    lines = [f"{result.song} [{', '.join(result.song_tags)}] sounds like, in the library '{result.library}':"]
    for rank, track in enumerate(result.tracks, 1):
        shared = ", ".join(track.shared_tags) or "no tag in common"
        lines.append(
            f"{rank:>3}. {_track_name(track)}  {track.similarity:.3f}  shares: {shared}  {track.path}"
        )
    return "\n".join(lines)


def describe_search(result: "SearchResults") -> str:
    lines = [f"\"{result.words}\" in the library '{result.library}':"]
    for rank, hit in enumerate(result.hits, 1):
        matched = f"  matches: {', '.join(hit.matched_tags)}" if hit.matched_tags else ""
        lines.append(f"{rank:>3}. {_track_name(hit)}  {hit.score:.3f}{matched}  {hit.path}")
        lines.append(f"       {hit.caption}")
    return "\n".join(lines)


def _track_name(track) -> str:
    return f"{track.title} - {track.artist}" if track.artist else track.title


def describe(result: "Recommendation") -> str:
    """Human-readable: what the photo says, then the songs with why."""
    analysis = result.analysis
    words = ", ".join(f"{word} {weight:.2f}" for word, weight in list(analysis.words().items())[:TOP_WORDS])
    lines = [
        f"{'photo' if analysis.colour is not None else 'words'}: {words}",
        f"mood: valence {analysis.valence:.2f}, arousal {analysis.arousal:.2f}; "
        f"colours {' '.join(analysis.swatches)}",
        f"models: {', '.join(analysis.models)}; words compared by {result.embedder}",
    ]
    if analysis.caption:
        lines.append(f"caption: {analysis.caption}")
    lines += [f"not used: {name}: {reason}" for name, reason in analysis.not_used.items()]
    lines.append(f"songs ({result.catalog}; {result.credit}):")
    for rank, song in enumerate(result.songs, 1):
        link = song.url or song.path or ""
        source = f"({song.source}) " if song.source else ""
        tags = ", ".join(song.tags)
        lines.append(f"{rank:>3}. {source}{song.title} - {song.artist} [{tags}] {song.score:.3f} {link}")
        lines += [f"       {reason}" for reason in song.why]
    return "\n".join(lines)
