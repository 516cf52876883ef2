"""'Sounds like this' and search by words, on a small generated library heard by the shipped taggers."""

import json
import os
import subprocess
import sys

import pytest

from lpmc.errors import InputError
from lpmc.recommend.library import index_folder
from lpmc.recommend.search import search_library
from lpmc.recommend.similar import similar_tracks
from tests.conftest import PROJECT_DIR
from tests.synth_music import write_song

STYLES = ("techno", "piano", "ambient", "strings")
SEEDS = (10, 11)
SECONDS = 6.0


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Two songs of each style, indexed into the library "test" (the environment names it)."""
    home = tmp_path_factory.mktemp("library")
    folder = home / "music"
    folder.mkdir()
    for style in STYLES:
        for seed in SEEDS:
            write_song(folder / f"{style} {seed}.flac", style, SECONDS, seed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LPMC_LIBRARY_DB", f"test={home / 'test.sqlite'}")
        report = index_folder(folder, progress=False)
        assert report.added == len(STYLES) * len(SEEDS)
        yield folder


@pytest.mark.parametrize("style", STYLES)
def test_the_nearest_track_is_the_other_song_of_the_same_style(library, style):
    for seed, other in (SEEDS, SEEDS[::-1]):
        result = similar_tracks(library / f"{style} {seed}.flac", top=3)
        titles = [track.title for track in result.tracks]
        assert titles[0] == f"{style} {other}" and f"{style} {seed}" not in titles  # itself left out
        nearest = result.tracks[0]
        assert nearest.shared_tags and set(nearest.shared_tags) <= set(result.song_tags)
        assert nearest.similarity > result.tracks[1].similarity


def test_a_song_outside_the_library_is_heard_and_compared(library, tmp_path):
    outsider = tmp_path / "new techno.wav"
    write_song(outsider, "techno", SECONDS, seed=99)
    result = similar_tracks(outsider, library="test", top=2)
    assert [track.title.split()[0] for track in result.tracks] == ["techno", "techno"]
    assert result.song == "new techno.wav" and result.library == "test"


@pytest.mark.parametrize(("words", "style"), [("slow sad piano", "piano"), ("calm piano", "piano")])
def test_words_find_the_tracks_they_describe(library, words, style):
    result = search_library(words, top=2)
    assert result.hits[0].title.startswith(style)
    assert result.hits[0].caption and result.hits[0].score >= result.hits[1].score
    assert result.hits[0].matched_tags  # the tags nearest the words, as the reason


def test_the_commands_print_the_same_results_as_json(library):
    env = {"LPMC_LIBRARY_DB": f"test={library.parent / 'test.sqlite'}"}
    found = _cli(["similar", str(library / "piano 10.flac"), "--top", "1", "--json"], env)
    assert found["tracks"][0]["title"] == "piano 11" and found["tracks"][0]["path"].endswith("piano 11.flac")
    found = _cli(["search", "slow", "sad", "piano", "--json", "--top", "1"], env)
    assert found["words"] == "slow sad piano" and found["hits"][0]["title"].startswith("piano")


def test_bad_requests_get_a_sentence(library, tmp_path):
    with pytest.raises(InputError, match="Type what you are looking for"):
        search_library("   ")
    with pytest.raises(InputError, match="between 1 and 100"):
        similar_tracks(library / "piano 10.flac", top=0)
    with pytest.raises(InputError, match="no library named 'jazz'"):
        search_library("piano", library="jazz")
    with pytest.raises(InputError, match="Audio file 'missing.mp3' was not found"):
        similar_tracks(tmp_path / "missing.mp3")


def _cli(argv: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "lpmc", *argv],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_in_a_library_of_one_song_its_copy_is_the_nearest_by_far(tmp_path, monkeypatch):
    """A one-song library has no meaningful mean profile: a copy of the song must still score ~1, not 0."""
    folder = tmp_path / "music"
    folder.mkdir()
    write_song(folder / "only.flac", "piano", SECONDS, seed=5)
    monkeypatch.setenv("LPMC_LIBRARY_DB", f"one={tmp_path / 'one.sqlite'}")
    assert index_folder(folder, progress=False).added == 1
    copy = tmp_path / "copy.flac"
    copy.write_bytes((folder / "only.flac").read_bytes())
    [track] = similar_tracks(copy, top=5).tracks
    assert track.title == "only" and track.similarity > 0.99
