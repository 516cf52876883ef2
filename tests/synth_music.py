"""Short synthetic songs in five styles, for tests and benchmarks that need a music library with known
content: a style, a tempo (None: no beat), vocals never. Each style is built from what characterises it
(four-on-the-floor kick and saw bass; piano chords; distorted power chords over drums; slow pads;
bowed strings with vibrato), with the key, tempo and voicing drawn from a seeded generator.
"""

from pathlib import Path

import numpy as np
import soundfile

SR = 22_050
STYLES = ("techno", "piano", "rock", "ambient", "strings")
TEMPO_RANGES = {"techno": (122, 132), "piano": (60, 76), "rock": (110, 140), "ambient": None, "strings": None}
MINOR_TRIAD = (1.0, 1.189, 1.498)  # frequency ratios of a minor chord


def song(style: str, seconds: float, seed: int) -> tuple[np.ndarray, float | None]:
    """(mono float32 audio at SR, its tempo in BPM or None)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    root = 110.0 * 2 ** (rng.integers(0, 12) / 12)
    tempo_range = TEMPO_RANGES[style]
    bpm = float(rng.uniform(*tempo_range)) if tempo_range else None
    audio = RECIPES[style](t, root, bpm, rng)
    return (0.8 * audio / np.max(np.abs(audio))).astype(np.float32), bpm


def write_song(path: Path, style: str, seconds: float, seed: int) -> float | None:
    """Write a song as the file's suffix says (wav, flac, ogg); returns its tempo."""
    audio, bpm = song(style, seconds, seed)
    soundfile.write(path, audio, SR)
    return bpm


def _beat_phase(t: np.ndarray, bpm: float, per_beat: int = 1) -> np.ndarray:
    """Seconds since the last beat (or the last 1/per_beat of a beat)."""
    return t % (60.0 / bpm / per_beat)


def _kick(t: np.ndarray, bpm: float) -> np.ndarray:
    phase = _beat_phase(t, bpm)
    return np.sin(2 * np.pi * (50 + 100 * np.exp(-phase * 40)) * phase) * np.exp(-phase * 12)


def _noise_hits(t: np.ndarray, bpm: float, per_beat: int, decay: float, rng, offset: float = 0.0):
    phase = (t + offset * 60.0 / bpm) % (60.0 / bpm / per_beat)
    return rng.normal(0, 1, t.size) * np.exp(-phase * decay)


def _saw(frequency: np.ndarray | float, t: np.ndarray) -> np.ndarray:
    return 2 * ((frequency * t) % 1.0) - 1


def techno(t, root, bpm, rng):
    hats = _noise_hits(t, bpm, 1, 60, rng, offset=0.5)
    bass = _saw(root / 2, t) * np.exp(-_beat_phase(t, bpm, 2) * 8)
    stab = sum(_saw(root * 2 * r, t) for r in MINOR_TRIAD) * (_beat_phase(t, bpm / 4) < 0.12)
    return _kick(t, bpm) + 0.25 * hats + 0.4 * bass + 0.15 * stab


def piano(t, root, bpm, rng):
    bar = 4 * 60.0 / bpm
    roots = root * 2 ** (np.array([0, 5, 7, 3])[(t // bar).astype(int) % 4] / 12) * 2
    since = t % (60.0 / bpm)
    notes = sum(np.sin(2 * np.pi * roots * r * h * t) / h**1.5 for r in MINOR_TRIAD for h in (1, 2, 3, 4))
    return notes * np.exp(-since * 2.5)


def rock(t, root, bpm, rng):
    bar = 4 * 60.0 / bpm
    roots = root * 2 ** (np.array([0, 0, 5, 3])[(t // bar).astype(int) % 4] / 12)
    guitar = np.tanh(6 * (_saw(roots, t) + _saw(roots * 1.498, t) + 0.5 * _saw(roots * 2.003, t)))
    snare = _noise_hits(t, bpm / 2, 1, 18, rng, offset=0.5)
    hats = _noise_hits(t, bpm, 2, 80, rng)
    return 0.5 * guitar + 0.8 * _kick(t, bpm / 2) + 0.5 * snare + 0.15 * hats


def ambient(t, root, bpm, rng):
    swell = 0.6 + 0.4 * np.sin(2 * np.pi * t / 7.0)
    pad = sum(
        np.sin(2 * np.pi * root * r * 2 * (1 + detune) * t)
        for r in MINOR_TRIAD
        for detune in (-0.003, 0.0, 0.004)
    )
    wash = np.convolve(rng.normal(0, 1, t.size), np.ones(400) / 400, mode="same")
    return swell * pad + 2.0 * wash


def strings(t, root, bpm, rng):
    vibrato = 1 + 0.006 * np.sin(2 * np.pi * 5.5 * t)
    section = sum(_saw(root * 2 * r * vibrato * (1 + 0.002 * k), t) for r in MINOR_TRIAD for k in (-1, 1))
    smoothed = np.convolve(section, np.ones(6) / 6, mode="same")  # a soft low-pass: bowed, not buzzing
    return smoothed * (0.7 + 0.3 * np.sin(2 * np.pi * t / 5.0))


RECIPES = {"techno": techno, "piano": piano, "rock": rock, "ambient": ambient, "strings": strings}
