"""The page's adapters on real inputs: labels, progress words, players, song cells, the models table."""

import os
import time
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
import soundfile
from PIL import Image

from lpmc import registry, ui
from lpmc.recommend.recommend import SongResult
from lpmc.tasks import TAG_CAPTIONING, TASKS
from tests.conftest import PROJECT_DIR

SR = 16_000


def clicked(row: int) -> gr.SelectData:
    """What Gradio passes for a click on a table cell of `row`."""
    return gr.SelectData(None, {"index": [row, 0], "value": ""})


def test_unavailable_models_are_listed_with_a_short_reason(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("OPENAI_BASE_URL", "")
    labels = {value: label for label, value in ui.model_choices(TAG_CAPTIONING)}
    assert set(labels) == {"auto", *registry.names(TAG_CAPTIONING)}
    assert labels["tag-writer"] == "tag-writer"
    assert labels["llm-endpoint"] == "llm-endpoint — unavailable: no endpoint configured"


def test_progress_says_chunk_i_of_n_and_the_time_left():
    assert ui.progress_note(0, 18, None) == "Listening · chunk 0/18"
    assert ui.progress_note(3, 18, 2.0) == "Chunk 3/18 · about 30 s left"
    assert ui.progress_note(18, 18, 0.001) == "Chunk 18/18 · about 0 s left"


def test_a_clicked_row_plays_its_chunk(tmp_path):
    path = tmp_path / "tone.wav"
    soundfile.write(path, np.sin(np.arange(25 * SR) / 10).astype(np.float32), SR)
    chunks = [{"start": 0.0, "end": 10.0}, {"start": 10.0, "end": 20.0}, {"start": 20.0, "end": 25.0}]
    song = {"captions": {"chunks": chunks}, "audio": str(path)}
    shown = ui.play_chunk(song, clicked(2))
    rate, samples = shown["value"]
    assert shown["visible"] and rate == SR and samples.size == 5 * SR
    assert ui.play_chunk(None, clicked(0))["visible"] is False  # nothing captioned yet


def test_the_library_player_plays_only_indexed_songs(tmp_path):
    assert ui.play_library_song(["", ""], None, clicked(1)) is None  # a catalog song: it plays in its row
    with pytest.raises(gr.Error, match="library index"):
        ui.play_library_song([str(PROJECT_DIR / "app.py")], None, clicked(0))


def test_no_downloads_without_captions():
    hidden = ui.caption_downloads({"captions": {"file": "a.ogg", "chunks": []}, "audio": "a.ogg"})
    assert [button["visible"] for button in hidden] == [False] * 4


def song(**fields) -> SongResult:
    return SongResult(
        **{"title": "T", "artist": "A", "tags": [], "derived_moods": {}, "score": 0.5, "why": []} | fields
    )


def test_song_cells_escape_text_and_link_what_can_be_heard():
    jamendo = ui._song_cell(1, song(title="<b>x</b>", tags=["rock"], url="https://www.jamendo.com/track/214"))
    assert "&lt;b&gt;x&lt;/b&gt;" in jamendo and "<b>x</b>" not in jamendo
    assert 'src="https://mp3l.jamendo.com/?trackid=214&format=mp31"' in jamendo
    pmemo = ui._song_cell(2, song(title="Good Drank", artist="2 Chainz", valence=0.575, arousal=0.4))
    assert "valence 0.57, arousal 0.40" in pmemo
    assert "(https://www.youtube.com/results?search_query=Good%20Drank%202%20Chainz)" in pmemo
    library = ui._song_cell(3, song(path="/home/me/music/song.mp3"))
    assert "/home" not in library and "click the row to play" in library


def test_a_refused_photo_is_never_previewed(tmp_path):
    assert isinstance(ui.preview_photo(str(PROJECT_DIR / "assets" / "photos" / "dune.jpg")), Image.Image)
    fake = tmp_path / "photo.jpg"
    fake.write_text("not an image")
    with pytest.raises(gr.Error, match="not an image"):
        ui.preview_photo(str(fake))


def test_models_are_grouped_by_task_with_folded_reasons():
    rows = ui.models_table()
    named = [row[0] for row in rows if row[0]]
    assert named == [task for task in TASKS if registry.names(task)]  # each task named once, in order
    assert ui.models_details().count("<details>") == len(registry.MODELS)


def test_download_folders_emptied_by_the_cache_cleanup_go_too(tmp_path, monkeypatch):
    """Gradio's cleanup deletes the files it served, not their folders: lpmc removes its old empty ones."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    old_empty, old_full, young_empty = (tmp_path / name for name in ("lpmc-old", "lpmc-full", "lpmc-young"))
    for folder in (old_empty, old_full, young_empty):
        folder.mkdir()
    (old_full / "song.captions.json").write_text("{}")
    hour_ago = time.time() - 3600
    for folder in (old_empty, old_full):
        os.utime(folder, (hour_ago, hour_ago))
    chunks = [{"start": 0, "end": 10, "text": "T.", "tags": []}]
    song = {"captions": {"file": "a.ogg", "model": "builtin-captioner", "chunks": chunks}}
    buttons = ui.caption_downloads(song | {"audio": "a.ogg"})
    assert [Path(button["value"]).name for button in buttons][0] == "a.captions.json"
    assert not old_empty.exists() and old_full.exists() and young_empty.exists()
    assert Path(buttons[0]["value"]).parent.parent == tmp_path
