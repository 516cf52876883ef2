"""The Library tab of the real app, through gradio_client: playlists, sounds-like and search by words over
a library chosen by name, with no server path in any answer."""

import json

import pytest

from lpmc.recommend.library import index_folder
from tests.conftest import running_app
from tests.synth_music import write_song


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    home = tmp_path_factory.mktemp("library home")
    music = home / "music"
    music.mkdir()
    for style in ("techno", "piano"):
        for seed in (1, 2):
            write_song(music / f"{style} {seed}.flac", style, 5.0, seed)
    setting = f"mine={home / 'mine.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LPMC_LIBRARY_DB", setting)
        assert index_folder(music, progress=False).added == 4
    return home, setting


@pytest.fixture(scope="module")
def client(library):
    from gradio_client import Client

    home, setting = library
    env = {"LPMC_LIBRARY_DB": setting, "LPMC_CACHE_DIR": str(home / "cache"), "OPENAI_API_KEY": ""}
    with running_app(env, home / "app.log") as url:
        yield Client(url, verbose=False)


def no_path_in(answer, home) -> bool:
    return str(home) not in json.dumps(answer) and "/music/" not in json.dumps(answer)


def test_search_by_words_names_tracks_not_paths(client, library):
    rows = client.predict("techno dance beat", "mine", 2, api_name="/search_library")["data"]
    assert [row[0] for row in rows] == [1, 2] and rows[0][1].startswith("techno")
    assert rows[0][3]  # the track's summary
    assert no_path_in(rows, library[0])


def test_sounds_like_an_uploaded_song(client, library, tmp_path):
    from gradio_client import handle_file

    query = tmp_path / "my song.wav"
    write_song(query, "piano", 5.0, seed=7)
    rows = client.predict(handle_file(str(query)), "mine", 2, api_name="/similar_tracks")["data"]
    assert [row[1].split()[0] for row in rows] == ["piano", "piano"]
    assert rows[0][2].startswith("shares ") and no_path_in(rows, library[0])


def test_a_playlist_of_uploaded_songs_is_described(client, library, tmp_path):
    from gradio_client import handle_file

    songs = []
    for seed in (3, 4):
        songs.append(tmp_path / f"song {seed}.flac")
        write_song(songs[-1], "techno", 5.0, seed)
    blurb, shared = client.predict(
        [handle_file(str(song)) for song in songs], "auto", api_name="/describe_playlist"
    )
    assert blurb.startswith("### ") and "A blend of" in blurb and "tag-writer" in blurb
    assert ["songs", "2"] in shared["data"]


def test_the_tab_refuses_playlist_files_and_unknown_libraries(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    m3u = tmp_path / "list.m3u"
    m3u.write_text("/etc/passwd\n")
    with pytest.raises(AppError, match="Upload the songs themselves"):
        client.predict([handle_file(str(m3u))], "auto", api_name="/describe_playlist")
    with pytest.raises(AppError, match="theirs is not in the list of choices: \\['mine'\\]"):
        client.predict("piano", "theirs", 2, api_name="/search_library")
    with pytest.raises(AppError, match="Type what you are looking for"):
        client.predict("  ", "mine", 2, api_name="/search_library")
