"""The user's library index: incremental, resumable, skips bad files, and feeds recommendations."""

import argparse
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
import soundfile

from lpmc import registry, settings
from lpmc.audio import decode_audio
from lpmc.captioning.builtin import taggers
from lpmc.errors import InputError, LpmcError
from lpmc.recommend import cli
from lpmc.recommend.library import (
    TrackReading,
    connect,
    index_folder,
    is_indexed,
    library_names,
    load_library,
    open_library,
    read_tracks,
    shipped_tagger,
)
from lpmc.recommend.recommend import recommend

PHOTOS = Path(__file__).resolve().parents[1] / "assets" / "photos"
SR = 16_000


def loudness_tagger(path: Path) -> TrackReading:
    """A small real tagger for the storage tests: decodes the file, tags loudness and brightness."""
    audio, sr = decode_audio(path)
    rms = float(np.sqrt(np.mean(audio**2)))
    spectrum = np.abs(np.fft.rfft(audio))
    centroid = float((np.fft.rfftfreq(audio.size, 1 / sr) * spectrum).sum() / spectrum.sum())
    mood = {"energetic": 1.0} if rms > 0.2 else {"calm": 1.0, "relaxing": 0.8}
    style = {"electronic": 1.0} if centroid > 2000 else {"piano": 1.0}
    profile = np.array([rms, centroid / 8000], dtype=np.float32)
    return TrackReading(
        audio.size / sr, {"mood": mood, "genre": style}, profile, f"The tone sounds {next(iter(mood))}."
    )


def write_tone(
    path: Path, frequency: float, amplitude: float, seconds: float = 2.0, artist: str = ""
) -> Path:
    t = np.arange(int(seconds * SR)) / SR
    with soundfile.SoundFile(path, "w", SR, 1) as file:
        if artist:
            file.artist = artist  # the file's own tag, as a tagger program writes it
        file.write((amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32))
    return path


@pytest.fixture
def music(tmp_path):
    folder = tmp_path / "music"
    (folder / "Quiet Band").mkdir(parents=True)
    (folder / "Loud Band").mkdir()
    write_tone(folder / "Quiet Band" / "lullaby.wav", 220, 0.05, artist="Quiet Band")
    write_tone(folder / "Quiet Band" / "evening.flac", 330, 0.05, artist="Quiet Band")
    write_tone(folder / "Loud Band" / "siren.wav", 4000, 0.9)
    (folder / "Loud Band" / "notes.mp3").write_text("not audio at all")
    (folder / "Loud Band" / "empty.wav").write_bytes(b"")
    (folder / "cover.jpg").write_bytes(b"ignored: not audio")
    return folder


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """The server's one library ("default"), in a temporary folder."""
    path = tmp_path / "library.sqlite"
    monkeypatch.setenv("LPMC_LIBRARY_DB", str(path))
    return path


def rows(db: Path, table: str = "tracks") -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(Path(p).name for (p,) in connection.execute(f"SELECT path FROM {table}"))


def test_index_is_incremental_and_skips_bad_files(music, db):
    first = index_folder(music, tagger=loudness_tagger, progress=False)
    assert first.added == 3 and len(first.skipped) == 2
    reasons = dict((Path(p).name, r) for p, r in first.skipped)
    assert "empty" in reasons["empty.wav"] and reasons["notes.mp3"]
    assert rows(db) == ["evening.flac", "lullaby.wav", "siren.wav"]
    second = index_folder(music, tagger=loudness_tagger, progress=False)
    assert (second.added, second.unchanged, second.skipped) == (0, 5, [])
    write_tone(music / "Quiet Band" / "lullaby.wav", 5000, 0.9)  # changed: tagged again
    (music / "Loud Band" / "siren.wav").unlink()  # gone: forgotten
    third = index_folder(music, tagger=loudness_tagger, progress=False)
    assert (third.added, third.removed) == (1, 1)
    assert rows(db) == ["evening.flac", "lullaby.wav"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_index_resumes_after_an_interruption(music, db):
    calls = []

    def interrupted_on_fourth_file(path):  # files go in sorted order: empty, notes, siren, evening, ...
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return loudness_tagger(path)

    with pytest.raises(KeyboardInterrupt):
        index_folder(music, tagger=interrupted_on_fourth_file, progress=False)
    assert rows(db) == ["siren.wav"]  # committed before the interruption
    assert rows(db, "skipped") == ["empty.wav", "notes.mp3"]
    resumed = index_folder(music, tagger=loudness_tagger, progress=False)
    assert resumed.added == 2 and resumed.unchanged == 3
    assert rows(db) == ["evening.flac", "lullaby.wav", "siren.wav"]  # nothing lost, nothing twice


def test_library_recommendations_carry_paths(music, db):
    index_folder(music, tagger=loudness_tagger, progress=False)
    library = load_library("default")
    assert sorted(library.artists) == ["", "Quiet Band", "Quiet Band"]  # siren.wav names no artist
    result = recommend(PHOTOS / "dune.jpg", catalog="library", top=3)
    assert len(result.songs) == 3 and all(Path(song.path).is_file() for song in result.songs)
    assert all(is_indexed("default", song.path) for song in result.songs)
    calm = recommend(PHOTOS / "mountains.jpg", text="calm relaxing evening", catalog="library", top=1)
    assert "calm" in calm.songs[0].tags and "url" not in calm.to_dict()["songs"][0]


def test_missing_index_gets_a_clear_message(db, tmp_path):
    with pytest.raises(InputError, match="run `python -m lpmc index DIR --library default`"):
        recommend(PHOTOS / "dune.jpg", catalog="library")
    with pytest.raises(InputError, match="not a folder"):
        index_folder(tmp_path / "no-such-folder", tagger=loudness_tagger)


def test_shipped_taggers_index_a_real_track(music, tmp_path):
    for name in taggers():
        if name not in registry.MODELS or not registry.availability(name):
            pytest.skip(f"tagger {name} is not available here")
    reading = shipped_tagger()(music / "Quiet Band" / "lullaby.wav")
    assert reading.duration == pytest.approx(2.0, abs=0.01)
    assert reading.tags["mood"] and reading.tags["genre"] and max(reading.tags["mood"].values()) == 1.0
    assert reading.profile.shape == (50 + 50 + 56,) and reading.caption  # MTT, MSD, MTG-Jamendo; a summary


def test_songs_whose_files_name_no_artist_are_not_capped(tmp_path, db):
    flat, one_artist = tmp_path / "flat", tmp_path / "one artist"
    flat.mkdir()
    one_artist.mkdir()
    for i in range(6):
        write_tone(flat / f"song {i}.wav", 200 + 50 * i, 0.05)
        write_tone(one_artist / f"song {i}.flac", 200 + 50 * i, 0.05, artist="The Same Band")
    index_folder(flat, tagger=loudness_tagger, progress=False)
    assert len(recommend(PHOTOS / "dune.jpg", catalog="library", top=6).songs) == 6
    index_folder(one_artist, tagger=loudness_tagger, progress=False)
    songs = recommend(PHOTOS / "dune.jpg", catalog="library", top=12).songs
    assert [song.artist for song in songs].count("The Same Band") == 2 and len(songs) == 8


def test_an_index_from_before_schema_2_is_brought_up_to_date(music, db):
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.executescript(
            """CREATE TABLE tracks (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            duration REAL NOT NULL, tags TEXT NOT NULL, embedding BLOB NOT NULL, indexed_at REAL NOT NULL);
            CREATE TABLE skipped (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            reason TEXT NOT NULL);"""
        )
        siren = music / "Loud Band" / "siren.wav"
        stat = siren.stat()
        old_row = (
            str(siren),
            stat.st_size,
            stat.st_mtime_ns,
            2.0,
            '{"mood": {"calm": 1.0}}',
            bytes(1536),
            0.0,
        )
        connection.execute("INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?)", old_row)
    assert load_library("default").titles == ["siren"]  # the photo search still reads it
    with pytest.raises(InputError, match="has no tracks to compare yet; run `python -m lpmc index DIR"):
        read_tracks()
    report = index_folder(music, tagger=loudness_tagger, progress=False)
    assert report.added == 3  # siren.wav heard again: its row lacked a profile and a caption
    tracks = read_tracks()
    assert len(tracks) == 3 and tracks.profiles.shape == (3, 2) and tracks.text_vectors.shape == (3, 384)
    assert tracks.captions[tracks.titles.index("siren")] == "The tone sounds energetic."


def test_only_indexed_tracks_count_as_indexed(music, db):
    assert not is_indexed("default", "/etc/passwd")
    connect(db).close()
    assert not is_indexed("default", "/etc/passwd")
    index_folder(music, tagger=loudness_tagger, progress=False)
    assert is_indexed("default", str(music / "Loud Band" / "siren.wav"))
    assert not is_indexed("default", str(music / "Loud Band" / "notes.mp3"))  # skipped: not a track
    assert not is_indexed("default", "/etc/passwd") and not is_indexed("other", "/etc/passwd")


# The library is a server setting: named, opened read-only, silent about paths


def test_libraries_are_named_in_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("LPMC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LPMC_LIBRARY_DB", raising=False)
    assert settings.library_dbs() == {"default": tmp_path / "library.sqlite"}
    monkeypatch.setenv("LPMC_LIBRARY_DB", "/srv/music/a=b.sqlite")  # a bare path, "=" and all
    assert settings.library_dbs() == {"default": Path("/srv/music/a=b.sqlite")}
    monkeypatch.setenv("LPMC_LIBRARY_DB", "jazz=/srv/jazz.sqlite; rock = /srv/rock.sqlite;")
    assert settings.library_dbs() == {"jazz": Path("/srv/jazz.sqlite"), "rock": Path("/srv/rock.sqlite")}
    assert library_names() == ["jazz", "rock"]
    with pytest.raises(InputError, match="no library named 'pop'; choose one of: jazz, rock"):
        load_library("pop")
    monkeypatch.setenv("LPMC_LIBRARY_DB", "jazz=/a.sqlite;jazz=/b.sqlite")
    with pytest.raises(LpmcError, match="names the library 'jazz' twice"):
        library_names()


def test_index_writes_the_named_library_and_the_app_reads_it(music, tmp_path, monkeypatch):
    jazz, rock = tmp_path / "jazz.sqlite", tmp_path / "rock.sqlite"
    monkeypatch.setenv("LPMC_LIBRARY_DB", f"jazz={jazz};rock={rock}")
    index_folder(music / "Quiet Band", "rock", tagger=loudness_tagger, progress=False)
    assert rows(rock) == ["evening.flac", "lullaby.wav"] and not jazz.exists()
    assert sorted(load_library("rock").titles) == ["evening", "lullaby"]
    result = recommend(PHOTOS / "dune.jpg", catalog="library", library="rock", top=1)
    assert result.songs[0].path.startswith(str(music / "Quiet Band"))
    with pytest.raises(InputError, match="The library 'jazz' has not been indexed yet"):
        recommend(PHOTOS / "dune.jpg", catalog="library", library="jazz")
    with pytest.raises(InputError, match="The library 'jazz' has not been indexed yet"):
        recommend(PHOTOS / "dune.jpg", catalog="library")  # no name: the first library
    assert not jazz.exists()  # reading never creates a database


@pytest.mark.parametrize("content", ["missing", "empty", "junk", "someone else's database"])
def test_an_unindexed_library_says_so_without_paths_or_changes(tmp_path, monkeypatch, content):
    theirs = tmp_path / "private-folder" / "their.sqlite"
    theirs.parent.mkdir()
    if content == "empty":
        theirs.touch()
    elif content == "junk":
        theirs.write_text("not a database " * 100)
    elif content == "someone else's database":
        with closing(sqlite3.connect(theirs)) as connection, connection:
            connection.execute("CREATE TABLE accounts (user TEXT, password TEXT)")
    before = theirs.read_bytes() if theirs.exists() else None
    monkeypatch.setenv("LPMC_LIBRARY_DB", f"shared={theirs}")
    with pytest.raises(InputError) as raised:
        open_library("shared")
    # The same words whatever the file is, so nothing can be learnt about the server's files.
    assert str(raised.value) == (
        "The library 'shared' has not been indexed yet; run `python -m lpmc index DIR --library shared`."
    )
    assert not is_indexed("shared", "/etc/passwd")
    assert (theirs.read_bytes() if theirs.exists() else None) == before  # no tables added, no WAL switch


def test_the_app_opens_the_library_read_only(music, db):
    index_folder(music, tagger=loudness_tagger, progress=False)
    with closing(open_library("default")) as connection:
        assert len(connection.execute("SELECT path FROM tracks").fetchall()) == 3
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM tracks")
    assert rows(db) == ["evening.flac", "lullaby.wav", "siren.wav"]


def test_cli_index_refuses_an_unknown_library_before_tagging(music, db):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["index", str(music), "--library", "jazz"])
    with pytest.raises(InputError, match="no library named 'jazz'; choose one of: default"):
        args.func(args)
    assert not db.exists()
