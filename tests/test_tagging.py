"""Taggers on generated audio: windowing, the tail, short and silent input, results, taggram, CLI."""

import argparse
import json

import numpy as np
import pytest
import soundfile
from PIL import Image

from lpmc import registry, runtime
from lpmc.audio import chunk_bounds
from lpmc.captioning.vocabulary import canonical_tag
from lpmc.errors import AudioError
from lpmc.tagging import cli, load_tagger
from lpmc.tagging.frontend import mel_filterbank
from lpmc.tagging.result import TagResult, window_starts
from lpmc.tagging.tagger import BLOCK_SECONDS, SongTagging, tag_many
from lpmc.tagging.taggram import choose_rows, taggram_image, word_scores

TAGGER_NAMES = registry.names("tagging")

N_TAGS = {
    "choi2016-cnn": 50,
    "choi2016-crnn": 50,
    "musicnn-mtt": 50,
    "musicnn-msd": 50,
    "jamendo-moodtheme": 56,
}
SR = 22_050


@pytest.fixture(scope="module")
def taggers():
    """Every tagger, loaded once through the registry from the shipped files."""
    return {name: load_tagger(name) for name in TAGGER_NAMES}


def sine(seconds: float, freq: float = 440.0, sr: int = SR) -> np.ndarray:
    return (0.3 * np.sin(2 * np.pi * freq * np.arange(int(seconds * sr)) / sr)).astype(np.float32)


def noise(seconds: float, sr: int = SR, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.3, 0.3, int(seconds * sr)).astype(np.float32)


def test_every_tagger_loads_with_its_vocabulary(taggers):
    assert set(taggers) == set(TAGGER_NAMES)
    for name, tagger in taggers.items():
        assert tagger.name == name
        assert len(tagger.tags) == len(set(tagger.tags)) == N_TAGS[name]
    assert taggers["choi2016-cnn"].tags == taggers["musicnn-msd"].tags  # the same 50 Last.fm tags
    assert {"guitar", "piano", "female vocal"} <= set(taggers["musicnn-mtt"].tags)
    assert {"happy", "sad", "epic"} <= set(taggers["jamendo-moodtheme"].tags)


def test_load_tagger_goes_through_the_registry(taggers):
    assert set(TAGGER_NAMES) == {
        "choi2016-cnn",
        "choi2016-crnn",
        "musicnn-mtt",
        "musicnn-msd",
        "jamendo-moodtheme",
    }
    for name in TAGGER_NAMES:
        assert registry.availability(name), registry.availability(name).reason
        assert load_tagger(name) is registry.load(name) is taggers[name]


def test_a_25_second_clip_gets_windows_covering_every_chunk(taggers):
    results = {result.model: result for result in tag_many(list(taggers.values()), noise(25.0), SR)}
    for result in results.values():
        assert result.scores.shape == (len(result.starts), N_TAGS[result.model])
        assert np.all((result.scores >= 0) & (result.scores <= 1))
        assert result.duration == pytest.approx(25.0)
        assert np.all(result.ends <= 25.0) and np.all(result.starts < result.ends)
        chunks = result.chunk_scores(chunk_bounds(25.0))
        assert chunks.shape == (3, N_TAGS[result.model]) and np.isfinite(chunks).all()
    choi = results["choi2016-cnn"]  # shorter than its 29 s window: one looped window
    assert choi.starts.tolist() == [0.0] and choi.ends.tolist() == [25.0]
    patches = results["musicnn-mtt"]  # 3 s patches; the tail under 3 s is dropped
    assert len(patches.starts) == 8 and patches.starts[1] == pytest.approx(187 * 256 / 16_000)


def test_long_audio_slides_windows_and_aligns_the_last_to_the_end(taggers):
    result = taggers["jamendo-moodtheme"].tag(noise(70.0, sr=12_000), 12_000)
    assert len(result.starts) == 3  # 0 s, 29.1 s, and one ending with the song
    assert result.starts[1] == pytest.approx(1366 * 256 / 12_000)
    assert result.ends[-1] == pytest.approx(70.0)
    np.testing.assert_allclose(result.song_scores, result.scores.mean(axis=0))


def test_windows_are_batched_without_changing_results(taggers):
    tagger = taggers["musicnn-msd"]
    audio = sine(10.0, 220.0) + noise(10.0, seed=4)
    batched = tagger.tag(audio, SR).scores
    tagger.batch_size, saved = 1, tagger.batch_size
    try:
        one_by_one = tagger.tag(audio, SR).scores
    finally:
        tagger.batch_size = saved
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_silence_is_tagged(taggers):
    for result in tag_many(list(taggers.values()), np.zeros(4 * SR, np.float32), SR):
        assert np.isfinite(result.scores).all() and len(result.top(3)) == 3, result.model


def test_short_clips_are_looped_and_tiny_ones_refused(taggers):
    result = taggers["musicnn-mtt"].tag(sine(1.5), SR)  # under one 3 s patch
    assert result.starts.tolist() == [0.0] and result.ends.tolist() == [1.5]
    with pytest.raises(AudioError, match="too short"):
        taggers["choi2016-cnn"].tag(sine(0.5), SR)


def test_predict_melgram_accepts_both_layouts(taggers):
    melgrams = np.random.default_rng(5).normal(-20, 15, (2, 96, 1366)).astype(np.float32)
    for name in ("choi2016-cnn", "choi2016-crnn"):
        batch = taggers[name].predict_melgram(melgrams)
        single = taggers[name].predict_melgram(melgrams[1:, None])  # (N, 1, 96, 1366) layout
        assert batch.shape == (2, 50) and single.shape == (1, 50)
        np.testing.assert_allclose(batch[1:], single, atol=1e-6)  # no batch statistics


def test_window_starts():
    assert window_starts(10, 4, 4, align_end=True) == [0, 4, 6]
    assert window_starts(10, 4, 4, align_end=False) == [0, 4]
    assert window_starts(8, 4, 4, align_end=True) == [0, 4]
    assert window_starts(4, 4, 2, align_end=True) == [0]


def make_result() -> TagResult:
    scores = np.array([[0.9, 0.1, 0.5], [0.1, 0.7, 0.5], [0.3, 0.3, 0.2]], np.float32)
    starts, ends = np.array([0.0, 10.0, 30.0]), np.array([10.0, 20.0, 33.0])
    return TagResult("toy", ["a", "b", "c"], starts, ends, scores, duration=36.0)


def test_tag_result_song_scores_top_and_dict():
    result = make_result()
    np.testing.assert_allclose(result.song_scores, [13 / 30, 11 / 30, 0.4], rtol=1e-6)
    assert [tag for tag, _ in result.top(2)] == ["a", "c"]
    data = result.to_dict()
    assert data["model"] == "toy"
    assert [item["tag"] for item in data["tags"]] == ["a", "c", "b"]
    assert data["windows"][2] == {"start": 30.0, "end": 33.0, "scores": {"a": 0.3, "b": 0.3, "c": 0.2}}
    json.dumps(data)


def test_chunk_scores_average_overlapping_windows_and_fill_gaps():
    result = make_result()
    chunks = result.chunk_scores(chunk_bounds(36.0))  # [0,10) [10,20) [20,30) [30,36)
    np.testing.assert_allclose(chunks[0], [0.9, 0.1, 0.5])
    np.testing.assert_allclose(chunks[1], [0.1, 0.7, 0.5])
    np.testing.assert_allclose(chunks[2], [0.3, 0.3, 0.2])  # no window: the nearest (centre 31.5 s)
    np.testing.assert_allclose(chunks[3], [0.3, 0.3, 0.2])
    np.testing.assert_allclose(result.chunk_scores([(5.0, 15.0)])[0], [0.5, 0.4, 0.5])


def test_mel_filterbank_matches_librosa():
    librosa = pytest.importorskip("librosa")
    for sr, fmax in ((12_000, 6000.0), (16_000, 8000.0)):
        expected = librosa.filters.mel(sr=sr, n_fft=512, n_mels=96, fmin=0.0, fmax=fmax)
        np.testing.assert_allclose(mel_filterbank(sr, 512, 96, fmax), expected, atol=1e-7)


def test_taggram_image(taggers):
    result = taggers["musicnn-mtt"].tag(sine(25.0, 330.0) + noise(25.0, seed=6), SR)
    image = taggram_image(result, least=8)
    assert isinstance(image, Image.Image) and image.mode == "RGB"
    assert 400 <= image.width <= 500 and 300 <= image.height <= 500  # fits a phone with little scaling
    pixels = np.asarray(image)
    assert pixels.std() > 20  # a real picture, not a blank canvas


def hand_result(scores: list[list[float]], tags: list[str]) -> TagResult:
    """Two 10 s windows of hand-written scores."""
    return TagResult(
        "musicnn-mtt", tags, np.array([0.0, 10.0]), np.array([10.0, 20.0]), np.array(scores), 20.0
    )


def test_taggram_rows_merge_synonyms_and_follow_the_shown_tags():
    result = hand_result(
        [[0.2, 0.6, 0.9, 0.5], [0.7, 0.1, 0.8, 0.5]], ["no vocal", "no vocals", "guitar", "80s"]
    )
    words, scores = word_scores(result, [(0.0, 10.0), (10.0, 20.0)], canonical_tag)
    assert words == ["instrumental", "guitar"]  # one row for both spellings; "80s" is never said
    np.testing.assert_allclose(scores[:, 0], [0.6, 0.7])  # synonyms at their best
    assert choose_rows(words, scores.mean(axis=0), ["loud", "instrumental"], least=1) == ["instrumental"]
    assert choose_rows(words, scores.mean(axis=0), ["instrumental"], least=2) == ["instrumental", "guitar"]


def test_taggram_colours_are_on_a_fixed_scale():
    def centre(level: float) -> np.ndarray:
        image = np.asarray(taggram_image(hand_result([[level, level]] * 2, ["guitar", "piano"])))
        return image[image.shape[0] // 2, image.shape[1] // 2]

    assert centre(0.05).sum() < 100  # faint everywhere: dark, not stretched to the brightest colour
    assert centre(0.95).sum() > 500


@pytest.fixture
def cli_taggers(taggers, monkeypatch):
    """Until the registry lists the taggers, the CLI gets them from their loaders directly."""
    if not all(name in registry.MODELS for name in TAGGER_NAMES):
        monkeypatch.setattr(cli, "load_tagger", taggers.__getitem__)


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_json(tmp_path, capsys, cli_taggers):
    path = tmp_path / "tone.wav"
    soundfile.write(path, sine(12.0), SR)
    assert run_cli(["tag", str(path), "--model", "musicnn-mtt", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["file"] == str(path) and entry["model"] == "musicnn-mtt"
    assert len(entry["tags"]) == 50 and entry["tags"][0]["score"] >= entry["tags"][-1]["score"]
    assert len(entry["windows"]) == 4 and set(entry["windows"][0]) == {"start", "end", "scores"}


def test_cli_text_and_errors(tmp_path, capsys, cli_taggers):
    good, bad = tmp_path / "noise.flac", tmp_path / "notes.mp3"
    soundfile.write(good, noise(14.0), SR)
    bad.write_text("not audio")
    assert run_cli(["tag", str(good), str(bad), "--model", "jamendo-moodtheme"]) == 2
    captured = capsys.readouterr()
    assert "jamendo-moodtheme" in captured.out and "0:10-0:14" in captured.out
    assert captured.err.strip().startswith(f"error: {bad}:") and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1


@pytest.mark.parametrize("passive_openmp", [False, True])
def test_song_tagging_predicts_windows_in_time_order_block_by_block(taggers, passive_openmp, monkeypatch):
    """The caption pipeline's first rows rest on this: results over a song's start before its end is tagged,
    which match the whole song's results over the same windows. With passive OpenMP waiting (the app's
    default) the networks run side by side in worker threads, also when a block has nothing left to do."""
    monkeypatch.setattr(runtime, "passive_openmp", lambda: passive_openmp)
    chosen = [taggers["musicnn-mtt"], taggers["jamendo-moodtheme"]]
    audio = sine(100.0, 330.0) + noise(100.0, seed=5)
    whole = tag_many(chosen, audio, SR)
    tagging = SongTagging(chosen, audio, SR)
    for seconds in (5.0, 20.0, BLOCK_SECONDS + 1, 65.0):
        block_end = np.ceil(seconds / BLOCK_SECONDS) * BLOCK_SECONDS
        for partial, complete in zip(tagging.results_until(seconds), whole, strict=True):
            assert len(partial.starts) == np.sum(complete.starts < block_end), (partial.model, seconds)
            np.testing.assert_allclose(partial.scores, complete.scores[: len(partial.starts)], atol=1e-5)
            assert partial.duration == complete.duration == pytest.approx(100.0)
    assert (
        len(whole[0].starts) == 33 and len(SongTagging(chosen, audio, SR).results_until(20.0)[0].starts) == 11
    )
    for partial, complete in zip(tagging.results_until(np.inf), whole, strict=True):
        np.testing.assert_array_equal(partial.starts, complete.starts)
        np.testing.assert_allclose(partial.scores, complete.scores, atol=1e-5)


class WholeSongTagger:
    """A tagger implementing only lpmc.tasks.Tagger (no windows lpmc can slide): it hears a song at once."""

    name = "whole-song"
    tags = ["loud", "quiet"]

    def __init__(self):
        self.calls = 0

    def tag(self, audio: np.ndarray, sr: int) -> TagResult:
        self.calls += 1
        level = float(np.sqrt(np.mean(audio**2)))
        duration = audio.size / sr
        scores = np.array([[min(level * 3, 1.0), 1 - min(level * 3, 1.0)]], np.float32)
        return TagResult(self.name, self.tags, np.array([0.0]), np.array([duration]), scores, duration)


def test_song_tagging_takes_any_tagger_of_the_protocol(taggers):
    whole = WholeSongTagger()
    tagging = SongTagging([whole, taggers["musicnn-msd"]], noise(40.0), SR)
    first, msd = tagging.results_until(10.0)
    assert whole.calls == 1 and first.model == "whole-song" and first.top(1)[0][0] == "loud"
    assert 0 < len(msd.starts) < 13
    assert tagging.results_until(np.inf)[0] is first and whole.calls == 1  # heard once
