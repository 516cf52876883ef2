"""Measured descriptors on synthetic signals whose tempo, key, level and brightness are known."""

import numpy as np
import pytest

from lpmc.captioning import descriptors as d

SR = 16_000


def click_track(bpm: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    """Decaying 1 kHz clicks every beat."""
    audio = np.zeros(int(seconds * SR), np.float32)
    t = np.arange(int(0.02 * SR)) / SR
    click = (np.sin(2 * np.pi * 1000 * t) * np.exp(-200 * t)).astype(np.float32)
    for beat in np.arange(0, seconds, 60.0 / bpm):
        start = int(beat * SR)
        audio[start : start + click.size] += click[: audio.size - start]
    return amplitude * audio


def tone(freq: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def chord(midi_notes: list[int], seconds: float) -> np.ndarray:
    """Notes with three decaying harmonics each, like a plucked/struck chord."""
    t = np.arange(int(seconds * SR)) / SR
    out = np.zeros_like(t)
    for note in midi_notes:
        freq = 440.0 * 2 ** ((note - 69) / 12)
        for harmonic, gain in ((1, 1.0), (2, 0.5), (3, 0.25)):
            out += gain * np.sin(2 * np.pi * freq * harmonic * t)
    return (0.1 * out * np.exp(-t)).astype(np.float32)


def song_descriptors(audio: np.ndarray) -> tuple[d.Descriptors, list[d.ChunkMeasures]]:
    chunks = [d.measure_chunk(audio[i : i + 10 * SR], SR) for i in range(0, audio.size, 10 * SR)]
    return d.summarize_song(chunks), chunks


def test_click_track_at_120_bpm_measures_120_bpm():
    song, _ = song_descriptors(click_track(120, 30))
    assert song.tempo_bpm == pytest.approx(120, abs=2)
    assert song.tempo_clarity > 0.5
    assert d.tempo_word(song.tempo_bpm, song.tempo_clarity) == "120 bpm"


@pytest.mark.parametrize("bpm", [90, 140])
def test_other_tempi_are_measured(bpm):
    song, _ = song_descriptors(click_track(bpm, 30))
    assert song.tempo_bpm == pytest.approx(bpm, abs=2)


def test_a_tempo_change_is_reported_per_chunk_only_where_it_changes():
    song, chunks = song_descriptors(np.concatenate([click_track(120, 30), click_track(135, 10)]))
    changed = [
        d.tempo_changed(c.tempo_bpm, c.tempo_clarity, song.tempo_bpm)
        for c in (d.describe_chunk(chunk, song) for chunk in chunks)
    ]
    assert changed == [False, False, False, True]
    assert d.describe_chunk(chunks[3], song).tempo_bpm == pytest.approx(135, abs=3)


def test_noise_has_no_clear_tempo_or_key():
    noise = np.random.default_rng(0).normal(0, 0.1, 20 * SR).astype(np.float32)
    song, _ = song_descriptors(noise)
    assert d.tempo_word(song.tempo_bpm, song.tempo_clarity) is None
    assert song.key == ""


def test_c_major_progression_is_in_c_major():
    progression = [[60, 64, 67], [65, 69, 72], [67, 71, 74], [60, 64, 67]]  # C F G C
    audio = np.concatenate([chord(notes, 2.5) for notes in progression * 2])
    song, _ = song_descriptors(audio)
    assert song.key == "C major"


def test_a_minor_progression_is_in_a_minor():
    progression = [[57, 60, 64], [62, 65, 69], [64, 68, 71], [57, 60, 64]]  # Am Dm E Am
    audio = np.concatenate([chord(notes, 2.5) for notes in progression * 2])
    song, _ = song_descriptors(audio)
    assert song.key == "A minor"


def test_loud_and_quiet_levels():
    loud, _ = song_descriptors(tone(440, 10, amplitude=0.5))
    quiet, _ = song_descriptors(tone(440, 10, amplitude=0.01))
    assert loud.loudness_db == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.5)  # RMS of a sine
    assert loud.loudness_db - quiet.loudness_db == pytest.approx(34, abs=0.5)
    assert d.loudness_word(loud.loudness_db) == "loud"
    assert d.loudness_word(quiet.loudness_db) == "quiet"
    assert d.loudness_word(song_descriptors(tone(440, 10, amplitude=0.003))[0].loudness_db) == "near silent"


def test_silence_is_silent():
    song, chunks = song_descriptors(np.zeros(12 * SR, np.float32))
    assert d.is_silent(song.loudness_db)
    assert d.loudness_word(song.loudness_db) == "silent"
    assert d.tempo_word(song.tempo_bpm, song.tempo_clarity) is None
    assert d.brightness_word(song.centroid_hz) is None
    assert len(chunks) == 2


def test_low_tone_is_dark_and_high_tone_is_bright():
    low, _ = song_descriptors(tone(200, 10))
    high, _ = song_descriptors(tone(4000, 10))
    assert low.centroid_hz == pytest.approx(200, rel=0.1)
    assert high.centroid_hz == pytest.approx(4000, rel=0.1)
    assert d.brightness_word(low.centroid_hz) == "dark"
    assert d.brightness_word(high.centroid_hz) == "bright"


def test_dynamics_within_a_chunk():
    swell = np.concatenate([tone(440, 1, 0.5), tone(440, 1, 0.05)] * 5)  # 20 dB swings
    steady = tone(440, 10)
    assert d.dynamics_word(d.loudness_range_db(d.block_levels_db(swell, SR))) == "wide dynamics"
    assert d.dynamics_word(d.loudness_range_db(d.block_levels_db(steady, SR))) == "steady dynamics"


def test_a_word_near_its_limit_stays_from_chunk_to_chunk():
    """A centroid or loudness range hovering at a limit keeps the chunk before's word (no flicker), until it
    clearly leaves that word's range."""
    centroids = [950.0, 1050.0, 980.0, 1100.0, 1300.0]  # at the dark/warm limit (1000 Hz), then warm
    words, previous = [], None
    for centroid in centroids:
        previous = d.brightness_word(centroid, previous)
        words.append(previous)
    assert words == ["dark", "dark", "dark", "dark", "warm"]
    assert [d.brightness_word(centroid) for centroid in centroids] == ["dark", "warm", "dark", "warm", "warm"]
    assert d.brightness_word(2000.0, "bright") == "bright" and d.brightness_word(2000.0) is None
    assert d.dynamics_word(3.3, "steady dynamics") == "steady dynamics" and d.dynamics_word(3.3) is None
    assert d.dynamics_word(13.0, "wide dynamics") == "wide dynamics" and d.dynamics_word(13.0) is None
    assert d.dynamics_word(5.0, "steady dynamics") is None and d.brightness_word(float("nan"), "dark") is None


def test_relative_loudness_against_the_chunk_before():
    assert d.relative_loudness_word(-10.0, -18.0) == "louder"
    assert d.relative_loudness_word(-25.0, -18.0) == "quieter"
    assert d.relative_loudness_word(-17.0, -18.0) is None


def test_tiny_and_empty_inputs_do_not_crash():
    song, _ = song_descriptors(tone(440, 0.05))
    assert np.isnan(song.tempo_bpm)
    assert d.block_levels_db(np.zeros(0, np.float32), SR).shape == (1,)
