"""`python -m lpmc describe-playlist PATHS... [--json] [--backend NAME]`: a playlist's blurb and title."""

import argparse
import json
from typing import TYPE_CHECKING

from lpmc.cli import add_model_option
from lpmc.tasks import TAG_CAPTIONING

if TYPE_CHECKING:
    from lpmc.playlist.describe import PlaylistDescription


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "describe-playlist", help="describe what a playlist's songs share, with a blurb and a title"
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="audio files, folders, .m3u or .m3u8 playlists"
    )
    add_model_option(
        parser, "--backend", TAG_CAPTIONING, "an LLM when one is configured, else the built-in writer"
    )
    parser.add_argument("--json", action="store_true", help="print JSON: title, blurb, what is shared, songs")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from lpmc.playlist.describe import describe_playlist

    with tqdm(unit="song", desc="hearing") as bar:

        def heard(path) -> None:
            bar.set_postfix_str(path.name, refresh=False)
            bar.update(1)

        result = describe_playlist(args.paths, args.backend, heard)
    print(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) if args.json else describe(result))
    return 0


def describe(result: "PlaylistDescription") -> str:
    """Human-readable: title, blurb, who wrote it, then what the songs share."""
    profile = result.profile
    lines = [result.title, result.blurb.text, f"  (written by {result.blurb.backend})"]
    if result.blurb.note:
        lines.append(f"  note: {result.blurb.note}")
    skipped = f" ({len(result.skipped)} skipped)" if result.skipped else ""
    lines += ["", f"{profile.songs} songs{skipped}"]
    for label, shared in (
        ("moods", profile.moods),
        ("styles", profile.genres),
        ("instruments", profile.instruments),
    ):
        lines.append(f"  {label + ':':<13}{_shares(shared)}")
    if profile.tempo:
        low, middle, high = profile.tempo
        lines.append(
            f"  {'tempo:':<13}{low:.0f}-{high:.0f} BPM, median {middle:.0f} "
            f"({profile.tempo_songs} of {profile.songs} songs have a clear pulse)"
        )
    voices = f" ({_shares(profile.voices)})" if profile.voices else ""
    lines.append(f"  {'vocals:':<13}in {profile.vocal_share:.0%} of the songs{voices}")
    lines.append(
        f"  {'variety:':<13}{profile.variety_word} ({profile.variety:.2f}: 0 = same tags, 1 = none shared)"
    )
    lines += [f"  skipped {name}: {why}" for name, why in result.skipped]
    return "\n".join(lines)


def _shares(shared: list[tuple[str, float]]) -> str:
    return ", ".join(f"{tag} {share:.0%}" for tag, share in shared) or "none shared by a third of the songs"
