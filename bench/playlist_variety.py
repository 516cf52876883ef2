"""Variety (lpmc/playlist/profile.py) of playlists from one soundtrack against playlists across several.

    python bench/playlist_variety.py --folder DIR [--songs 5] [--draws 20]

DIR/<label>/<songs>, as for bench/similar.py (its --debian option builds one from Debian's game music).
Each song is heard once; then a playlist of --songs songs of one label, and --draws playlists of as many
songs drawn across all labels, get their variety. The words' bounds (VARIETY_WORDS) sit between the two.
"""

import argparse
import random
import statistics
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from lpmc.audio import audio_files  # noqa: E402
from lpmc.playlist.describe import hear  # noqa: E402
from lpmc.playlist.profile import playlist_profile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--songs", type=int, default=5)
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    heard = {
        label.name: [hear(path) for path in audio_files(label)[: args.songs]]
        for label in sorted(args.folder.iterdir())
        if label.is_dir()
    }
    for label, songs in heard.items():
        profile = playlist_profile(songs)
        print(f"one soundtrack  {label:<32} variety {profile.variety:.2f} ({profile.variety_word})")
    everything = [song for songs in heard.values() for song in songs]
    rng = random.Random(0)
    mixed = [playlist_profile(rng.sample(everything, args.songs)).variety for _ in range(args.draws)]
    print(
        f"across all      {args.draws} draws of {args.songs} songs{'':<11} variety median "
        f"{statistics.median(mixed):.2f} (range {min(mixed):.2f}-{max(mixed):.2f})"
    )


if __name__ == "__main__":
    main()
