"""The captioning pipeline and CLI: chunking with the tail kept, streaming, model choice, bad input."""

import argparse
import json

import numpy as np
import pytest
import soundfile

from lpmc import registry
from lpmc.captioning import cli, pipeline
from lpmc.captioning.builtin import taggers
from lpmc.errors import AudioError, InputError, ModelUnavailable

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
    assert set(result.tag_results) == set(taggers())
    assert result.to_dict()["file"] == song_file


def test_streaming_progress_increases_to_one(builtin_stream):
    progress = [result.progress for result in builtin_stream]
    assert progress == sorted(progress) and len(set(progress)) == len(progress)
    assert progress[-1] == 1.0


class RecordingCaptioner:
    """Stands in for LP-MusicCaps (its weights cannot be downloaded here): records the batches it is given."""

    def __init__(self):
        self.batches = []

    def caption(self, chunks: np.ndarray) -> list[str]:
        self.batches.append(chunks)
        return [f"a chunk with {np.count_nonzero(chunk)} nonzero samples" for chunk in chunks]


def test_lp_music_caps_gets_batches_of_padded_16khz_chunks(song_file, monkeypatch):
    recorder = RecordingCaptioner()
    real_load = registry.load
    monkeypatch.setattr(
        registry, "load", lambda name: recorder if name == "lp-music-caps-transfer" else real_load(name)
    )
    stream = list(pipeline.iter_caption_file(song_file, model="lp-music-caps-transfer", batch_size=2))
    assert [batch.shape for batch in recorder.batches] == [(2, 160_000), (1, 160_000)]
    assert not recorder.batches[1][0, 5 * 16_000 + 10 :].any()  # the 5 s tail is zero-padded
    assert [len(result.chunks) for result in stream][-2:] == [2, 3]
    assert stream[-1].model == "lp-music-caps-transfer" and stream[-1].progress == 1.0
    assert stream[-1].chunks[2].end == pytest.approx(25.0)
    assert stream[-1].chunks[0].tags  # the taggers ran as well


def test_auto_uses_the_builtin_captioner_and_says_why(monkeypatch):
    monkeypatch.setattr(
        registry, "availability", lambda name: registry.Availability(False, "weights missing")
    )
    model, note = pipeline.choose_model("auto")
    assert model == "builtin-captioner"
    assert "lp-music-caps-transfer" in note and "weights missing" in note


def test_auto_falls_back_when_lp_music_caps_fails_to_load(monkeypatch):
    def load(name):
        if name == "lp-music-caps-transfer":
            raise ModelUnavailable("the checkpoint is corrupt")
        return real_load(name)

    real_load = registry.load
    monkeypatch.setattr(registry, "availability", lambda name: registry.Availability(True, "here"))
    monkeypatch.setattr(registry, "load", load)
    model, note, captioner = pipeline.load_captioner("auto")
    assert model == "builtin-captioner" and "corrupt" in note
    assert hasattr(captioner, "chunk_captions")
    with pytest.raises(ModelUnavailable):
        pipeline.load_captioner("lp-music-caps-transfer")


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
    with pytest.raises(InputError):
        pipeline.choose_model("gpt-music")


def test_caption_audio_takes_arrays():
    result = pipeline.caption_audio(music(12.0), SR, model="builtin")
    assert [(c.start, c.end) for c in result.chunks] == [(0.0, 10.0), (10.0, 12.0)]


def test_cli_json(short_file, capsys):
    assert main(["caption", short_file, "--model", "builtin", "--json"]) == 0
    [output] = json.loads(capsys.readouterr().out)
    assert set(output) == {"file", "model", "duration", "chunks", "summary", "note"}
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
