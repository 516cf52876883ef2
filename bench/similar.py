"""How often `lpmc similar`'s 5 nearest tracks share the song's style, against chance and other vectors.

    python bench/similar.py --generated [--per-style 8] [--seconds 20]
    python bench/similar.py --folder DIR          # DIR/<style>/<songs>: the folder names are the labels
    python bench/similar.py --debian EXTRACTED DIR  # build DIR from Debian's game music, then evaluate

Every song is indexed with `lpmc index`'s shipped tagger into a temporary library; then each song asks
for its 5 nearest other songs, and precision@5 is the share of them with the song's label. "chance" is
what 5 songs drawn at random would score: (songs of its label - 1) / (songs - 1), averaged. Besides the
shipped comparison (similar.py: square-rooted, centred profiles) the same neighbours are computed from the
raw profiles, z-scored profiles, the MiniLM tag document the photo search uses, and the MiniLM vector of
summary + tags that `lpmc search` uses.

Labelled music. --generated writes songs in the five styles of tests/synth_music.py (a sanity check:
synthetic styles are easy). --debian uses real music from Debian's archive, labelled by soundtrack, a
proxy for a style: each soundtrack has one composer or band and one style. Get it with

    apt-get download hyperrogue-music nexuiz-music drascula-music fretsonfire-songs-sectoid \\
        fretsonfire-songs-muldjord
    for deb in *.deb; do dpkg-deb -x "$deb" EXTRACTED; done

(licenses: GPL-2+, MIT, CC BY-SA 3.0 and the Drascula license, in each package's copyright file; the
music is only read here, never shipped). Fret on Fire keeps a song's guitar in its own file: the two are
mixed into one song.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from lpmc.audio import decode_audio  # noqa: E402
from lpmc.recommend.library import index_folder, load_library, read_tracks  # noqa: E402
from lpmc.recommend.similar import comparable  # noqa: E402
from tests.synth_music import STYLES, write_song  # noqa: E402

K = 5
DEBIAN_SOUNDTRACKS = {  # label -> where its songs are inside the extracted packages
    "hyperrogue (orchestral, folk)": "usr/share/hyperrogue/music",
    "nexuiz (electronic)": "nexuiz-music.pk3/sound/cdtracks",
    "drascula (adventure game)": "usr/share/scummvm/drascula/audio",
    "fretsonfire (metal)": "usr/share/games/fretsonfire/data/songs",
}


def generated_library(folder: Path, per_style: int, seconds: float) -> None:
    for style in STYLES:
        (folder / style).mkdir(parents=True)
        for i in range(per_style):
            write_song(folder / style / f"{style} {i}.flac", style, seconds, seed=100 * i + len(style))


def debian_library(extracted: Path, folder: Path) -> None:
    """Labelled folders of links to the extracted songs (Nexuiz's are unzipped, Fret on Fire's mixed)."""
    import zipfile

    for pk3 in extracted.rglob("music.pk3"):
        with zipfile.ZipFile(pk3) as archive:
            archive.extractall(extracted / "nexuiz-music.pk3")
    for label, where in DEBIAN_SOUNDTRACKS.items():
        target = folder / label
        target.mkdir(parents=True)
        source = extracted / where
        if label.startswith("fretsonfire"):
            for song in sorted(source.rglob("song.ogg")):
                mix_stems(song.parent, target / f"{song.parent.name}.flac")
        else:
            for song in sorted(source.glob("*.ogg")):
                (target / song.name).symlink_to(song)


def mix_stems(song_folder: Path, out: Path) -> None:
    """A Fret on Fire song: its backing track and its guitar track, summed."""
    stems = [decode_audio(path) for path in sorted(song_folder.glob("*.ogg"))]
    rate = stems[0][1]
    length = max(audio.size for audio, _ in stems)
    mixed = sum(np.pad(audio, (0, length - audio.size)) for audio, sr in stems if sr == rate)
    soundfile.write(out, mixed / max(1.0, float(np.abs(mixed).max())), rate)


def precision_at_k(vectors: np.ndarray, labels: list[str]) -> float:
    """Mean share of each row's K nearest other rows (by cosine of unit rows) with the row's label."""
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argsort(-similarity, axis=1)[:, :K]
    return float(np.mean([[labels[j] == labels[i] for j in row] for i, row in enumerate(nearest)]))


def chance(labels: list[str]) -> float:
    return float(np.mean([(labels.count(label) - 1) / (len(labels) - 1) for label in labels]))


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def evaluate(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LPMC_LIBRARY_DB"] = f"bench={Path(tmp) / 'bench.sqlite'}"
        print(index_folder(folder).summary())
        tracks = read_tracks("bench")
        tag_documents = load_library("bench").vectors
    labels = [Path(path).relative_to(folder.resolve()).parts[0] for path in tracks.paths]
    profiles = tracks.profiles
    z_scored = (profiles - profiles.mean(axis=0)) / np.maximum(profiles.std(axis=0), 1e-6)
    rows = {
        "lpmc similar (square root, centred profile)": comparable(profiles, profiles),
        "raw profile": unit(profiles),
        "z-scored profile": unit(z_scored),
        "MiniLM tag document (photo search)": tag_documents,
        "MiniLM summary + tags (lpmc search)": tracks.text_vectors,
    }
    counts = ", ".join(f"{label} {labels.count(label)}" for label in sorted(set(labels)))
    print(f"{len(labels)} songs: {counts}")
    print(f"{'chance':<46} precision@{K} {chance(labels):.3f}")
    for name, vectors in rows.items():
        print(f"{name:<46} precision@{K} {precision_at_k(vectors, labels):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--generated", action="store_true", help="songs in five generated styles")
    source.add_argument("--folder", type=Path, help="DIR/<label>/<songs>")
    source.add_argument("--debian", nargs=2, type=Path, metavar=("EXTRACTED", "DIR"))
    parser.add_argument("--per-style", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.folder:
        evaluate(args.folder)
    elif args.debian:
        extracted, folder = args.debian
        if not folder.exists():
            debian_library(extracted, folder)
        evaluate(folder)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            generated_library(Path(tmp), args.per_style, args.seconds)
            evaluate(Path(tmp))


if __name__ == "__main__":
    main()
