"""The captioning pipeline and CLI: chunking with the tail kept, streaming, model choice, bad input."""

import argparse
import json

import numpy as np
import pytest
import soundfile

from lpmc import registry
from lpmc.captioning import cli, pipeline
from lpmc.captioning.builtin import taggers
from lpmc.captioning.hearing import hear_song
from lpmc.captioning.narration import narrate_chunks
from lpmc.errors import AudioError, InputError, ModelUnavailable
from lpmc.tagging.tagger import Tagger

SR = 22_050


def music(seconds: float) -> np.ndarray:
    """A 120 BPM click track over a C major chord: something the taggers and descriptors can hear."""
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(np.sin(2 * np.pi * f * t) for f in (261.6, 329.6, 392.0)) * 0.1
    clicks = np.sin(2 * np.pi * 1000 * t) * np.exp(-200 * (t % 0.5)) * 0.4
    return (chord + clicks).astype(np.float32)


def main(argv: list[str]) -> int:
    """`python -m lpmc caption ...` through this package's own `register` (as lpmc.cli does)."""
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture(scope="module")
def song_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("audio") / "song.wav"
    soundfile.write(path, music(25.0), SR)
    return str(path)


@pytest.fixture(scope="module")
def short_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("audio") / "short.flac"
    soundfile.write(path, music(12.0), SR)
    return str(path)


@pytest.fixture(scope="module")
def builtin_stream(song_file) -> list[pipeline.SongCaption]:
    return list(pipeline.iter_caption_file(song_file, model="builtin"))


def test_a_25_second_file_has_three_chunks_with_the_tail_kept(builtin_stream, song_file):
    result = builtin_stream[-1]
    assert result.model == "builtin-captioner"
    assert result.duration == pytest.approx(25.0)
    assert [(c.start, c.end) for c in result.chunks] == [(0.0, 10.0), (10.0, 20.0), (20.0, 25.0)]
    assert [c.timestamp for c in result.chunks] == ["0:00–0:10", "0:10–0:20", "0:20–0:25"]
    assert all(c.text and c.tags for c in result.chunks)
    assert "120 BPM" in result.chunks[0].text
    assert result.summary
    assert set(result.tag_results) == set(taggers()) == {"musicnn-mtt", "musicnn-msd", "jamendo-moodtheme"}
    assert result.to_dict()["file"] == song_file


def test_streaming_progress_increases_to_one(builtin_stream):
    progress = [result.progress for result in builtin_stream]
    assert progress == sorted(progress) and len(set(progress)) == len(progress)
    assert progress[-1] == 1.0


class RecordingCaptioner:
    """A real audio-captioning model, registered below as an entry of its own: it records what the pipeline
    hands it and writes one plain caption per chunk, in batches of the size asked for."""

    def __init__(self):
        self.calls = []

    def caption_chunks(self, audio, analysis, batch_size):
        self.calls.append((audio.shape, audio.dtype, [(c.start, c.end) for c in analysis.chunks], batch_size))
        for first in range(0, len(analysis.chunks), batch_size):
            chunks = analysis.chunks[first : first + batch_size]
            yield [f"{c.end - c.start:.0f} seconds of sound" for c in chunks]


def load_recorder(files):
    return RecordingCaptioner()


def load_not_a_captioner(files):
    return object()


def load_corrupt(files):
    raise ModelUnavailable("the checkpoint is corrupt")


def register_captioner(monkeypatch, name: str, loader: str, preference: int | None = 0):
    """A registry entry of the audio-captioning task for this test only, preferred to every other."""
    entry = registry.ModelEntry(
        name=name,
        task="audio-captioning",
        source=registry.Composite(()),
        loader=loader,
        license="MIT",
        citation="test",
        size_mb=0.001,
        preference=preference,
    )
    monkeypatch.setitem(registry.MODELS, name, entry)
    monkeypatch.setattr(registry.loading, "_loaded", {})


def test_any_registered_captioner_gets_16khz_audio_and_streams_its_batches(song_file, monkeypatch):
    register_captioner(monkeypatch, "recorder", "tests.test_pipeline:load_recorder")
    stream = list(pipeline.iter_caption_file(song_file, model="auto", batch_size=2))
    [(shape, dtype, bounds, batch_size)] = registry.load("recorder").calls
    assert shape == (25 * 16_000,) and dtype == np.float32 and batch_size == 2
    assert bounds == [(0.0, 10.0), (10.0, 20.0), (20.0, 25.0)]
    assert [len(result.chunks) for result in stream] == [0, 2, 3, 3]  # the last adds the summary
    assert stream[-1].model == "recorder" and stream[-1].note == "" and stream[-1].progress == 1.0
    assert stream[-1].chunks[2].text == "5 seconds of sound"
    assert stream[-1].chunks[0].tags  # the taggers ran as well


def test_auto_uses_the_builtin_captioner_and_says_why(song_file):
    result = pipeline.caption_file(song_file, model="auto")
    assert result.model == "builtin-captioner"
    assert result.note.startswith("lp-music-caps-transfer was not used: transfer.pth")
    assert "lp-music-caps-pretrain was not used" in result.note


def test_auto_falls_back_when_a_model_fails_to_load(monkeypatch):
    register_captioner(monkeypatch, "corrupt", "tests.test_pipeline:load_corrupt")
    captioner, chosen = pipeline.load_captioner("auto")
    assert (
        chosen.name == "builtin-captioner"
        and "corrupt was not used: the checkpoint is corrupt." in chosen.note
    )
    with pytest.raises(ModelUnavailable, match="corrupt"):
        pipeline.load_captioner("corrupt")
    with pytest.raises(ModelUnavailable, match="lp-music-caps-transfer is not available: transfer.pth"):
        pipeline.load_captioner("lp-music-caps-transfer")


def test_a_loader_that_breaks_the_protocol_is_refused(monkeypatch):
    register_captioner(
        monkeypatch, "not-a-captioner", "tests.test_pipeline:load_not_a_captioner", preference=None
    )
    with pytest.raises(ModelUnavailable, match="does not implement AudioCaptioner"):
        pipeline.load_captioner("not-a-captioner")


def test_bad_inputs_get_clear_errors(tmp_path):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio")
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    for path in (not_audio, empty, tmp_path / "missing.wav"):
        with pytest.raises(AudioError):
            pipeline.caption_file(path, model="builtin")
    with pytest.raises(AudioError):
        pipeline.caption_audio(np.zeros(0, np.float32), SR, model="builtin")
    with pytest.raises(AudioError):
        pipeline.caption_audio(np.zeros((2, SR), np.float32), SR, model="builtin")  # not mono
    with pytest.raises(AudioError):
        pipeline.caption_audio(music(0.5), SR, model="builtin")  # too short to tag
    with pytest.raises(InputError, match="Unknown audio-captioning model 'gpt-music'. Choose one of: auto"):
        pipeline.load_captioner("gpt-music")


def test_caption_audio_takes_arrays():
    result = pipeline.caption_audio(music(12.0), SR, model="builtin")
    assert [(c.start, c.end) for c in result.chunks] == [(0.0, 10.0), (10.0, 12.0)]


def test_cli_json(short_file, capsys):
    assert main(["caption", short_file, "--model", "builtin", "--json"]) == 0
    [output] = json.loads(capsys.readouterr().out)
    assert set(output) == {"file", "model", "duration", "chunks", "summary", "note", "warnings"}
    assert output["file"] == short_file and output["model"] == "builtin-captioner"
    assert [set(chunk) for chunk in output["chunks"]] == [{"start", "end", "text", "tags"}] * 2
    assert output["chunks"][-1]["end"] == 12.0


def test_cli_human_output_and_errors(short_file, tmp_path, capsys):
    assert main(["caption", short_file, "--model", "builtin"]) == 0
    out = capsys.readouterr().out
    assert "0:00–0:10" in out and "0:10–0:12" in out and "Summary:" in out
    assert main(["caption", str(tmp_path / "missing.wav"), "--model", "builtin"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:") and "Traceback" not in err


def test_cli_decodes_the_next_file_ahead_and_keeps_each_files_result(short_file, song_file, tmp_path, capsys):
    """Files are decoded one ahead of the captioning (the first while torch loads): a bad file between two
    good ones gets its one error line, and every good file its own captions, in the order given."""
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    assert main(["caption", short_file, str(bad), song_file, "--model", "builtin", "--json"]) == 2
    captured = capsys.readouterr()
    assert [output["file"] for output in json.loads(captured.out)] == [short_file, song_file]
    assert [len(output["chunks"]) for output in json.loads(captured.out)] == [2, 3]
    assert captured.err.startswith(f"error: {bad}:") and captured.err.count("\n") == 1


def test_the_first_rows_come_before_the_taggers_hear_the_end(tmp_path, monkeypatch):
    """Rows stream while the song is still being tagged, and say what the whole song tagged first says."""
    path = tmp_path / "two_minutes.wav"
    soundfile.write(path, music(120.0), SR)
    heard = []  # (tagger, windows) per network pass
    predict = Tagger.predict
    monkeypatch.setattr(
        Tagger, "predict", lambda self, w: heard.append((self.name, len(w))) or predict(self, w)
    )
    stream = pipeline.iter_caption_file(path, model="builtin")
    first = next(result for result in stream if result.chunks)
    mtt_windows = sum(count for name, count in heard if name == "musicnn-mtt")
    assert len(first.chunks) == 1 and first.chunks[0].text
    assert mtt_windows <= 11  # the first 30 s block of 3 s windows, of 40 in the song
    final = list(stream)[-1]
    assert sum(count for name, count in heard if name == "musicnn-mtt") == 40
    assert final.summary and final.progress == 1.0 and final.taggram_tagger == "musicnn-mtt"
    whole = hear_song(path)  # tag_many over the whole song, then the analysis
    assert [chunk.text for chunk in final.chunks] == list(narrate_chunks(whole.analysis))
    assert [chunk.tags for chunk in final.chunks] == [chunk.tags for chunk in whole.analysis.chunks]
    assert final.summary == whole.summary()
