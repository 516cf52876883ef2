"""The user's library index: incremental, resumable, skips bad files, and feeds recommendations."""

import sqlite3
from pathlib import Path

import numpy as np
import pytest
import soundfile

from lpmc import registry
from lpmc.audio import decode_audio
from lpmc.recommend.library import (
    LIBRARY_TAGGERS,
    connect,
    index_folder,
    is_indexed,
    load_library,
    shipped_tagger,
)
from lpmc.recommend.recommend import recommend

PHOTOS = Path(__file__).resolve().parents[1] / "assets" / "photos"
SR = 16_000


def loudness_tagger(path: Path) -> tuple[float, dict[str, dict[str, float]]]:
    """A small real tagger for the storage tests: decodes the file, tags loudness and brightness."""
    audio, sr = decode_audio(path)
    rms = float(np.sqrt(np.mean(audio**2)))
    spectrum = np.abs(np.fft.rfft(audio))
    centroid = float((np.fft.rfftfreq(audio.size, 1 / sr) * spectrum).sum() / spectrum.sum())
    mood = {"energetic": 1.0} if rms > 0.2 else {"calm": 1.0, "relaxing": 0.8}
    style = {"electronic": 1.0} if centroid > 2000 else {"piano": 1.0}
    return audio.size / sr, {"mood": mood, "genre": style}


def write_tone(path: Path, frequency: float, amplitude: float, seconds: float = 2.0) -> Path:
    t = np.arange(int(seconds * SR)) / SR
    soundfile.write(path, (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32), SR)
    return path


@pytest.fixture
def music(tmp_path):
    folder = tmp_path / "music"
    (folder / "Quiet Band").mkdir(parents=True)
    (folder / "Loud Band").mkdir()
    write_tone(folder / "Quiet Band" / "lullaby.wav", 220, 0.05)
    write_tone(folder / "Quiet Band" / "evening.flac", 330, 0.05)
    write_tone(folder / "Loud Band" / "siren.wav", 4000, 0.9)
    (folder / "Loud Band" / "notes.mp3").write_text("not audio at all")
    (folder / "Loud Band" / "empty.wav").write_bytes(b"")
    (folder / "cover.jpg").write_bytes(b"ignored: not audio")
    return folder


def rows(db: Path, table: str = "tracks") -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(Path(p).name for (p,) in connection.execute(f"SELECT path FROM {table}"))


def test_index_is_incremental_and_skips_bad_files(music, tmp_path):
    db = tmp_path / "library.sqlite"
    first = index_folder(music, db, tagger=loudness_tagger, progress=False)
    assert first.added == 3 and len(first.skipped) == 2
    reasons = dict((Path(p).name, r) for p, r in first.skipped)
    assert "empty" in reasons["empty.wav"] and reasons["notes.mp3"]
    assert rows(db) == ["evening.flac", "lullaby.wav", "siren.wav"]
    second = index_folder(music, db, tagger=loudness_tagger, progress=False)
    assert (second.added, second.unchanged, second.skipped) == (0, 5, [])
    write_tone(music / "Quiet Band" / "lullaby.wav", 5000, 0.9)  # changed: tagged again
    (music / "Loud Band" / "siren.wav").unlink()  # gone: forgotten
    third = index_folder(music, db, tagger=loudness_tagger, progress=False)
    assert (third.added, third.removed) == (1, 1)
    assert rows(db) == ["evening.flac", "lullaby.wav"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_index_resumes_after_an_interruption(music, tmp_path):
    db = tmp_path / "library.sqlite"
    calls = []

    def interrupted_on_fourth_file(path):  # files go in sorted order: empty, notes, siren, evening, ...
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return loudness_tagger(path)

    with pytest.raises(KeyboardInterrupt):
        index_folder(music, db, tagger=interrupted_on_fourth_file, progress=False)
    assert rows(db) == ["siren.wav"]  # committed before the interruption
    assert rows(db, "skipped") == ["empty.wav", "notes.mp3"]
    resumed = index_folder(music, db, tagger=loudness_tagger, progress=False)
    assert resumed.added == 2 and resumed.unchanged == 3
    assert rows(db) == ["evening.flac", "lullaby.wav", "siren.wav"]  # nothing lost, nothing twice


def test_library_recommendations_carry_paths(music, tmp_path):
    db = tmp_path / "library.sqlite"
    index_folder(music, db, tagger=loudness_tagger, progress=False)
    library = load_library(db)
    assert sorted(library.artists) == ["Loud Band", "Quiet Band", "Quiet Band"]
    result = recommend(PHOTOS / "dune.jpg", catalog="library", db=db, top=3)
    assert len(result.songs) == 3 and all(Path(song.path).is_file() for song in result.songs)
    assert all(is_indexed(db, song.path) for song in result.songs)
    calm = recommend(PHOTOS / "mountains.jpg", text="calm relaxing evening", catalog="library", db=db, top=1)
    assert "calm" in calm.songs[0].tags and "url" not in calm.to_dict()["songs"][0]


def test_missing_index_gets_a_clear_message(tmp_path):
    from lpmc.errors import InputError

    with pytest.raises(InputError, match="python -m lpmc index"):
        recommend(PHOTOS / "dune.jpg", catalog="library", db=tmp_path / "none.sqlite")
    with pytest.raises(InputError, match="not a folder"):
        index_folder(tmp_path / "no-such-folder", tmp_path / "x.sqlite", tagger=loudness_tagger)


def test_shipped_taggers_index_a_real_track(music, tmp_path):
    for name in LIBRARY_TAGGERS:
        if name not in registry.MODELS or not registry.availability(name):
            pytest.skip(f"tagger {name} is not available here")
    tag_file = shipped_tagger()
    duration, facets = tag_file(music / "Quiet Band" / "lullaby.wav")
    assert duration == pytest.approx(2.0, abs=0.01)
    assert facets["mood"] and facets["genre"] and max(facets["mood"].values()) == 1.0


def test_only_indexed_tracks_count_as_indexed(tmp_path):
    db = tmp_path / "library.sqlite"
    assert not is_indexed(db, "/etc/passwd")
    connect(db).close()
    assert not is_indexed(db, "/etc/passwd")
