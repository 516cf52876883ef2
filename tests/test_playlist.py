"""Playlist descriptions: the songs of files, folders and M3U playlists; what they share; blurb and title."""

import json
import subprocess
import sys

import pytest

from lpmc.errors import InputError
from lpmc.playlist.describe import describe_playlist, suggest_title
from lpmc.playlist.profile import SongProfile, playlist_profile
from lpmc.playlist.sources import playlist_songs
from tests.conftest import PROJECT_DIR
from tests.synth_music import write_song


def song(name, genres=(), instruments=(), voices=(), moods=(), tempo=None) -> SongProfile:
    return SongProfile(name, tuple(genres), tuple(instruments), tuple(voices), tuple(moods), tempo)


CALM_PIANO = [
    song("a", ["ambient"], ["piano"], [], ["calm", "relaxing"], 70.0),
    song("b", ["ambient", "classical"], ["piano", "strings"], [], ["calm"], 82.0),
    song("c", ["classical"], ["piano"], ["female vocals"], ["calm", "sad"], None),
    song("d", ["ambient"], ["strings"], [], ["relaxing"], 76.0),
]


def test_what_the_songs_share_is_counted_in_songs():
    profile = playlist_profile(CALM_PIANO)
    assert profile.songs == 4
    assert profile.moods == [("calm", 0.75), ("relaxing", 0.5)]  # "sad": 1 of 4, below a third
    assert profile.genres == [("ambient", 0.75), ("classical", 0.5)]
    assert profile.instruments == [("piano", 0.75), ("strings", 0.5)]
    assert profile.voices == [] and profile.vocal_share == 0.25  # one voice in four: not shared
    assert profile.tempo == (70.0, 76.0, 82.0) and profile.tempo_songs == 3
    assert profile.tags() == [
        "calm",
        "relaxing",
        "ambient",
        "classical",
        "piano",
        "strings",
        "instrumental",
    ] + ["slow tempo"]
    assert suggest_title(profile) == "Calm Ambient Piano"


def test_variety_goes_from_the_same_tags_to_none_shared():
    same = playlist_profile([song("a", ["rock"], ["guitar"]), song("b", ["rock"], ["guitar"])])
    assert (same.variety, same.variety_word) == (0.0, "cohesive")
    apart = playlist_profile([song("a", ["rock"]), song("b", ["jazz"]), song("c", moods=["calm"])])
    assert (apart.variety, apart.variety_word) == (1.0, "eclectic")
    assert playlist_profile([song("alone", ["rock"])]).variety == 0.0


def test_singing_playlists_name_their_voice_and_a_title_is_never_empty():
    singing = playlist_profile(
        [song(n, ["pop"], voices=["female vocals"], tempo=150.0) for n in "ab"] + [song("c", ["pop"])]
    )
    assert singing.tags() == ["pop", "female vocals", "fast tempo"]
    assert suggest_title(singing) == "Pop Mix"
    assert suggest_title(playlist_profile([song("a"), song("b")])) == "Mix"


def test_files_folders_and_playlists_name_each_song_once(tmp_path):
    music = tmp_path / "music"
    (music / "album").mkdir(parents=True)
    for name in ("one.flac", "album/two.wav", "album/three.ogg", "été.wav"):
        write_song(music / name, "piano", 2.0, seed=1)
    (music / "notes.txt").write_text("not a song")
    m3u = music / "list.m3u"
    m3u.write_bytes(
        "#EXTM3U\n#EXTINF:123,Someone - One\none.flac\nalbum\\two.wav\nhttp://radio.example/live\n"
        "gone.mp3\nété.wav\n".encode("latin-1")
    )
    m3u8 = tmp_path / "elsewhere" / "list.m3u8"
    m3u8.parent.mkdir()
    m3u8.write_text(f"../music/album/three.ogg\n{(music / 'one.flac').as_uri()}\n", encoding="utf-8")
    songs, problems = playlist_songs([m3u, m3u8, music / "album", music / "notes.txt", tmp_path / "nope.mp3"])
    assert [p.relative_to(music).as_posix() for p in songs] == [
        "one.flac",
        "album/two.wav",
        "été.wav",
        "album/three.ogg",
    ]
    assert problems == [
        ("http://radio.example/live", "a stream or web address, not a file here"),
        ("gone.mp3", "listed in list.m3u, not found"),
        (str(music / "notes.txt"), "not an audio file or a playlist (.txt)"),
        (str(tmp_path / "nope.mp3"), "not found"),
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Three techno songs of known tempo, two slow piano songs and a file that is not audio."""
    folder = tmp_path_factory.mktemp("playlist")
    tempos = {}
    for i, style in enumerate(("techno", "techno", "techno", "piano", "piano")):
        tempos[f"{style} {i}.flac"] = write_song(folder / f"{style} {i}.flac", style, 6.0, seed=i)
    (folder / "broken.mp3").write_text("not audio")
    return folder, tempos


def test_a_generated_playlist_is_described_from_what_it_holds(generated):
    folder, tempos = generated
    result = describe_playlist([folder])
    assert [s.name for s in result.songs] == sorted(tempos) and result.skipped[0][0] == "broken.mp3"
    measured = {s.name: s.tempo_bpm for s in result.songs}
    for name, bpm in tempos.items():  # the measured tempo of every song with a beat, or none
        assert measured[name] is None or measured[name] == pytest.approx(bpm, rel=0.04)
    assert result.profile.tempo_songs >= 3
    assert ("techno", 0.6) in result.profile.genres and result.profile.vocal_share == 0.0
    assert "instrumental" in result.profile.tags()
    assert result.blurb.backend == "tag-writer" and result.blurb.text.startswith("A blend of")
    assert "techno" in result.blurb.text and result.title


def test_the_command_prints_json_and_refuses_a_playlist_of_nothing(generated, tmp_path):
    folder, tempos = generated
    done = subprocess.run(
        [sys.executable, "-m", "lpmc", "describe-playlist", str(folder / "techno 0.flac"), "--json"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(done.stdout)
    assert answer["title"] and answer["blurb"] and answer["profile"]["songs"] == 1
    assert answer["songs"][0]["name"] == "techno 0.flac"
    with pytest.raises(InputError, match="No song of the playlist could be heard .broken.mp3: "):
        describe_playlist([folder / "broken.mp3"])
    with pytest.raises(InputError, match="nothing was given"):
        describe_playlist([])
