"""Measured descriptors of a piece of audio: tempo, key, loudness, dynamics and brightness.

Each measurement is a small pure function (arrays in, numbers out); each `*_word` function maps a number
to a word for the caption, or to None when the measurement does not support one. Thresholds are module
constants so the grounding rules can be read (and argued with) in one place.

The built-in captioner measures every 10 s chunk with `measure_chunk` and combines the chunks with
`summarize_song`, so memory stays bounded whatever the length of the song. Everything is plain NumPy:
librosa's beat tracker compiles numba kernels on import (seconds per process), which this module avoids.
"""

import math
from dataclasses import dataclass

import numpy as np

# Analysis frames (any sample rate works; the pipeline uses 16 kHz, where this is 128 ms / 16 ms).
N_FFT = 2048
HOP = 256
N_ONSET_BANDS = 40  # log-spaced bands for the onset envelope (spectral flux)
ONSET_MIN_HZ, ONSET_MAX_HZ = 30.0, 8000.0

# Tempo search range and prior (a log-normal weight around PRIOR_BPM, as in Ellis 2007 and librosa).
MIN_BPM, MAX_BPM = 40.0, 220.0
PRIOR_BPM = 120.0
PRIOR_OCTAVES = 1.0
LOCAL_PRIOR_OCTAVES = 0.25  # per chunk, stay near the song's tempo (avoids half/double-time flips)
# Normalised autocorrelation of the onset envelope at the beat period: below this there is no clear pulse.
MIN_TEMPO_CLARITY = 0.45
# A chunk's tempo is mentioned only when its own pulse is this clear and it differs from the song's by at
# least TEMPO_CHANGE_FRACTION (on real music, steady songs wander by up to 6 % at lower clarity).
MIN_LOCAL_TEMPO_CLARITY = 0.35
TEMPO_CHANGE_FRACTION = 0.08
SLOW_BPM, FAST_BPM = 80.0, 140.0

# Key: Krumhansl-Kessler probe-tone profiles (Krumhansl 1990), correlated with a chroma vector.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
PITCH_CLASSES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
CHROMA_MIN_HZ, CHROMA_MAX_HZ = 130.0, 4000.0
# The key is mentioned only when the best profile correlates at least this well ...
MIN_KEY_CORRELATION = 0.6
# ... and beats the best key of the other mode by this much (relative major/minor share their notes).
MIN_MODE_MARGIN = 0.04

# Loudness: RMS level of 400 ms blocks (100 ms hop) in dB relative to full scale, gated like EBU R128
# (absolute gate, then a relative gate below the mean) but without K-weighting: "LUFS-like", not LUFS.
BLOCK_SECONDS, BLOCK_HOP_SECONDS = 0.4, 0.1
ABSOLUTE_GATE_DB = -70.0
RELATIVE_GATE_DB = -20.0
SILENT_DB = -60.0  # at or below: silent
NEAR_SILENT_DB = -45.0  # at or below: near silent (nothing else is described)
QUIET_DB = -30.0
LOUD_DB = -14.0
# Loudness range within a chunk: 95th minus 10th percentile of the gated block levels.
LOUDNESS_RANGE_PERCENTILES = (10, 95)
WIDE_RANGE_DB = 14.0
NARROW_RANGE_DB = 3.0
# A chunk this much louder / quieter than the one before it is described as such.
LOUDER_DB = 4.0
QUIETER_DB = -5.0

# Brightness: magnitude-weighted spectral centroid, in Hz.
DARK_HZ = 1000.0
WARM_HZ = 1400.0
BRIGHT_HZ = 2200.0
# A chunk sounds brighter / darker than the one before when its centroid moves by this factor.
BRIGHTNESS_CHANGE_RATIO = 1.4
# The words' limits, (low, high]; a chunk keeps the chunk before's brightness or dynamics word while its
# measurement stays within KEEP_MARGIN of that word's limits, so a centroid or range hovering at a limit
# does not flip the word every chunk ("warm timbre", "dark timbre", "warm timbre", ...).
BRIGHTNESS_LIMITS = {"dark": (0.0, DARK_HZ), "warm": (DARK_HZ, WARM_HZ), "bright": (BRIGHT_HZ, math.inf)}
DYNAMICS_LIMITS = {"steady dynamics": (0.0, NARROW_RANGE_DB), "wide dynamics": (WIDE_RANGE_DB, math.inf)}
KEEP_MARGIN = 1.15


@dataclass
class ChunkMeasures:
    """Raw measurements of one chunk, kept small so a whole song's worth fits in memory."""

    onset_envelope: np.ndarray  # (frames,) spectral flux, at frame_rate frames per second
    frame_rate: float  # frames per second of onset_envelope
    chroma: np.ndarray  # (12,) summed magnitude per pitch class, C first
    block_levels_db: np.ndarray  # (blocks,) RMS level of each 400 ms block, dBFS
    centroid_hz: float  # magnitude-weighted spectral centroid, Hz (nan when silent)
    magnitude: float  # summed spectral magnitude (weights the chunk in the song's centroid)


@dataclass
class Descriptors:
    """Numbers describing a chunk or a song (units in the names); nan when not measurable."""

    tempo_bpm: float
    tempo_clarity: float  # 0..1, normalised autocorrelation at the beat period
    key: str  # e.g. "A minor"; "" when not clear enough to mention (and for chunks)
    key_correlation: float  # Pearson correlation with the best key profile (nan for chunks)
    loudness_db: float  # gated RMS level, dBFS (-inf when silent)
    loudness_range_db: float  # spread of 400 ms block levels, dB
    centroid_hz: float


def power_spectrogram(audio: np.ndarray, n_fft: int = N_FFT, hop: int = HOP) -> np.ndarray:
    """(frames, n_fft // 2 + 1) power spectrogram of a mono float signal (periodic Hann, centred frames)."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), n_fft // 2)
    if len(padded) < n_fft:
        padded = np.pad(padded, (0, n_fft - len(padded)))
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    spectrum = np.fft.rfft(frames * window, axis=1)
    return (spectrum.real**2 + spectrum.imag**2).astype(np.float32)


def _band_matrix(sr: int, n_fft: int, edges_hz: np.ndarray) -> np.ndarray:
    """(bins, bands) 0/1 matrix assigning FFT bins to the bands between consecutive edges."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    band = np.searchsorted(edges_hz, freqs, side="right") - 1
    inside = (band >= 0) & (band < len(edges_hz) - 1)
    matrix = np.zeros((len(freqs), len(edges_hz) - 1), dtype=np.float32)
    matrix[np.flatnonzero(inside), band[inside]] = 1.0
    return matrix


def onset_envelope(power: np.ndarray, sr: int, n_fft: int = N_FFT) -> np.ndarray:
    """(frames,) onset strength: half-wave rectified rise of log band energies, summed over bands."""
    top = min(ONSET_MAX_HZ, sr / 2)
    edges = np.geomspace(ONSET_MIN_HZ, top, N_ONSET_BANDS + 1)
    bands = power @ _band_matrix(sr, n_fft, edges)
    log_bands = np.log1p(1000.0 * bands)
    rise = np.maximum(np.diff(log_bands, axis=0, prepend=log_bands[:1]), 0.0)
    return rise.sum(axis=1)


def tempo_bpm(
    envelope: np.ndarray,
    frame_rate: float,
    prior_bpm: float = PRIOR_BPM,
    prior_octaves: float = PRIOR_OCTAVES,
) -> tuple[float, float]:
    """Tempo (BPM) and pulse clarity (0..1) from the autocorrelation of an onset envelope.

    The lag with the highest autocorrelation, weighted by a log-normal prior around `prior_bpm`, is the
    beat period; parabolic interpolation around it gives sub-frame precision. Clarity is the normalised
    autocorrelation at that lag. Returns (nan, 0.0) when the envelope is flat or too short.
    """
    centred = envelope - envelope.mean()
    min_lag = int(np.floor(60.0 * frame_rate / MAX_BPM))
    max_lag = int(np.ceil(60.0 * frame_rate / MIN_BPM))
    if len(centred) < 2 * max_lag or not np.any(centred):
        return float("nan"), 0.0
    size = 1 << int(np.ceil(np.log2(2 * len(centred))))
    spectrum = np.fft.rfft(centred, size)
    autocorr = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, size)[: max_lag + 2]
    autocorr /= autocorr[0]
    lags = np.arange(min_lag, max_lag + 1)
    bpms = 60.0 * frame_rate / lags
    prior = np.exp(-0.5 * (np.log2(bpms / prior_bpm) / prior_octaves) ** 2)
    best = lags[np.argmax(np.maximum(autocorr[lags], 0.0) * prior)]
    before, peak, after = autocorr[best - 1], autocorr[best], autocorr[best + 1]
    curvature = before - 2 * peak + after
    offset = 0.5 * (before - after) / curvature if curvature < 0 else 0.0
    return float(60.0 * frame_rate / (best + offset)), float(max(peak, 0.0))


def chroma_vector(power: np.ndarray, sr: int, n_fft: int = N_FFT) -> np.ndarray:
    """(12,) summed spectral magnitude per pitch class (C first), from bins between 130 Hz and 4 kHz."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    inside = np.flatnonzero((freqs >= CHROMA_MIN_HZ) & (freqs <= min(CHROMA_MAX_HZ, sr / 2)))
    pitch_class = np.round(12 * np.log2(freqs[inside] / 440.0) + 69).astype(int) % 12
    magnitude = np.sqrt(power[:, inside]).sum(axis=0)
    return np.bincount(pitch_class, weights=magnitude, minlength=12)


def key_scores(chroma: np.ndarray) -> np.ndarray:
    """(2, 12) Pearson correlation of a chroma vector with the major (row 0) and minor (row 1) profiles."""
    scores = np.zeros((2, 12))
    if np.ptp(chroma) == 0:
        return scores
    for row, profile in enumerate((MAJOR_PROFILE, MINOR_PROFILE)):
        for tonic in range(12):
            scores[row, tonic] = np.corrcoef(chroma, np.roll(profile, tonic))[0, 1]
    return scores


def estimate_key(chroma: np.ndarray) -> tuple[str, float]:
    """("C major" / "A minor", correlation), or ("", correlation) when the key is not clear enough to name."""
    scores = key_scores(chroma)
    mode, tonic = np.unravel_index(np.argmax(scores), scores.shape)
    best = scores[mode, tonic]
    margin = best - scores[1 - mode].max()
    if best < MIN_KEY_CORRELATION or margin < MIN_MODE_MARGIN:
        return "", float(best)
    return f"{PITCH_CLASSES[tonic]} {('major', 'minor')[mode]}", float(best)


def block_levels_db(audio: np.ndarray, sr: int) -> np.ndarray:
    """(blocks,) RMS level in dBFS of 400 ms blocks every 100 ms (one block when the audio is shorter)."""
    block, hop = int(BLOCK_SECONDS * sr), int(BLOCK_HOP_SECONDS * sr)
    squares = np.concatenate([[0.0], np.cumsum(np.asarray(audio, dtype=np.float64) ** 2)])
    if len(audio) <= block:
        energies = np.array([squares[-1] / max(len(audio), 1)])
    else:
        starts = np.arange(0, len(audio) - block + 1, hop)
        energies = (squares[starts + block] - squares[starts]) / block
    return 10 * np.log10(np.maximum(energies, 1e-20))


def gated_levels(levels_db: np.ndarray) -> np.ndarray:
    """The block levels that pass the absolute gate and the gate relative to their mean energy."""
    loud_enough = levels_db[levels_db > ABSOLUTE_GATE_DB]
    if len(loud_enough) == 0:
        return loud_enough
    mean_db = 10 * np.log10(np.mean(10 ** (loud_enough / 10)))
    return loud_enough[loud_enough > mean_db + RELATIVE_GATE_DB]


def loudness_db(levels_db: np.ndarray) -> float:
    """Gated mean level in dBFS (power average of the gated blocks); -inf when everything is gated out."""
    gated = gated_levels(levels_db)
    return float(10 * np.log10(np.mean(10 ** (gated / 10)))) if len(gated) else float("-inf")


def loudness_range_db(levels_db: np.ndarray) -> float:
    """Spread (dB) between the 10th and 95th percentile of the gated block levels; 0 when silent."""
    gated = gated_levels(levels_db)
    if len(gated) < 2:
        return 0.0
    low, high = np.percentile(gated, LOUDNESS_RANGE_PERCENTILES)
    return float(high - low)


def spectral_centroid_hz(power: np.ndarray, sr: int, n_fft: int = N_FFT) -> float:
    """Magnitude-weighted mean frequency (Hz) over all frames (louder frames count more); nan for silence."""
    magnitude = np.sqrt(power).sum(axis=0)
    total = magnitude.sum()
    if total <= 0:
        return float("nan")
    return float(magnitude @ np.fft.rfftfreq(n_fft, 1.0 / sr) / total)


def measure_chunk(audio: np.ndarray, sr: int) -> ChunkMeasures:
    """All raw measurements of one chunk of mono audio (float32, any sample rate)."""
    power = power_spectrogram(audio)
    return ChunkMeasures(
        onset_envelope=onset_envelope(power, sr),
        frame_rate=sr / HOP,
        chroma=chroma_vector(power, sr),
        block_levels_db=block_levels_db(audio, sr),
        centroid_hz=spectral_centroid_hz(power, sr),
        magnitude=float(np.sqrt(power).sum()),
    )


def summarize_song(chunks: list[ChunkMeasures]) -> Descriptors:
    """Song-level descriptors: tempo over the whole onset envelope, key over the summed chroma."""
    envelope = np.concatenate([chunk.onset_envelope for chunk in chunks])
    bpm, clarity = tempo_bpm(envelope, chunks[0].frame_rate)
    key, correlation = estimate_key(np.sum([chunk.chroma for chunk in chunks], axis=0))
    levels = np.concatenate([chunk.block_levels_db for chunk in chunks])
    weights = np.array([chunk.magnitude for chunk in chunks])
    centroids = np.array([chunk.centroid_hz for chunk in chunks])
    sounding = weights > 0
    centroid = float(np.average(centroids[sounding], weights=weights[sounding])) if sounding.any() else np.nan
    return Descriptors(
        bpm, clarity, key, correlation, loudness_db(levels), loudness_range_db(levels), centroid
    )


def describe_chunk(chunk: ChunkMeasures, song: Descriptors) -> Descriptors:
    """A chunk's descriptors; its tempo is searched near the song's tempo so it does not flip octave.

    No key per chunk: on real music the best key profile of 10 s chunks jumped between neighbours of one
    piece (A major, B minor, F# minor, E major...), so only the song's key is measured.
    """
    prior = song.tempo_bpm if np.isfinite(song.tempo_bpm) else PRIOR_BPM
    bpm, clarity = tempo_bpm(chunk.onset_envelope, chunk.frame_rate, prior, LOCAL_PRIOR_OCTAVES)
    levels = chunk.block_levels_db
    return Descriptors(
        bpm, clarity, "", float("nan"), loudness_db(levels), loudness_range_db(levels), chunk.centroid_hz
    )


def is_silent(loudness: float) -> bool:
    """True when a level (dBFS) is at or below the silence threshold."""
    return not loudness > SILENT_DB


def tempo_word(bpm: float, clarity: float) -> str | None:
    """ "120 bpm"-style tag when the pulse is clear, else None."""
    if not np.isfinite(bpm) or clarity < MIN_TEMPO_CLARITY:
        return None
    return f"{round(bpm)} bpm"


def tempo_feel_word(bpm: float, clarity: float) -> str | None:
    """ "slow tempo" / "fast tempo" for a clear pulse outside the 80-140 BPM middle ground, else None."""
    if not np.isfinite(bpm) or clarity < MIN_TEMPO_CLARITY:
        return None
    if bpm < SLOW_BPM:
        return "slow tempo"
    if bpm > FAST_BPM:
        return "fast tempo"
    return None


def tempo_changed(chunk_bpm: float, chunk_clarity: float, song_bpm: float) -> bool:
    """True when a chunk's clear pulse differs from the song's tempo by more than TEMPO_CHANGE_FRACTION."""
    if not (np.isfinite(chunk_bpm) and np.isfinite(song_bpm)) or chunk_clarity < MIN_LOCAL_TEMPO_CLARITY:
        return False
    return abs(chunk_bpm / song_bpm - 1.0) >= TEMPO_CHANGE_FRACTION


def loudness_word(loudness: float) -> str | None:
    """ "silent", "near silent", "quiet" or "loud" from a gated level in dBFS; None in between."""
    if is_silent(loudness):
        return "silent"
    if loudness <= NEAR_SILENT_DB:
        return "near silent"
    if loudness <= QUIET_DB:
        return "quiet"
    if loudness >= LOUD_DB:
        return "loud"
    return None


def dynamics_word(range_db: float, previous: str | None = None) -> str | None:
    """ "wide dynamics" / "steady dynamics" from the loudness range (dB) within a chunk; None in between.
    `previous` (the chunk before's word) is kept while the range is within KEEP_MARGIN of its limits."""
    if _keeps(previous, range_db, DYNAMICS_LIMITS):
        return previous
    if range_db >= WIDE_RANGE_DB:
        return "wide dynamics"
    if 0 < range_db <= NARROW_RANGE_DB:
        return "steady dynamics"
    return None


def relative_loudness_word(level_db: float, reference_db: float) -> str | None:
    """ "louder" / "quieter" when a level (dBFS) stands out from a reference level (the chunk before)."""
    if not (np.isfinite(level_db) and np.isfinite(reference_db)):
        return None
    difference = level_db - reference_db
    if difference >= LOUDER_DB:
        return "louder"
    if difference <= QUIETER_DB:
        return "quieter"
    return None


def brightness_word(centroid_hz: float, previous: str | None = None) -> str | None:
    """ "dark", "warm" or "bright" from the spectral centroid (Hz); None in the neutral middle or silence.
    `previous` (the chunk before's word) is kept while the centroid is within KEEP_MARGIN of its limits."""
    if not np.isfinite(centroid_hz):
        return None
    if _keeps(previous, centroid_hz, BRIGHTNESS_LIMITS):
        return previous
    if centroid_hz < DARK_HZ:
        return "dark"
    if centroid_hz < WARM_HZ:
        return "warm"
    if centroid_hz >= BRIGHT_HZ:
        return "bright"
    return None


def _keeps(previous: str | None, value: float, limits: dict[str, tuple[float, float]]) -> bool:
    """Whether `value` is within KEEP_MARGIN of the limits of the word `previous` (False for no word)."""
    if previous not in limits:
        return False
    low, high = limits[previous]
    return low / KEEP_MARGIN < value <= high * KEEP_MARGIN


def brightness_change_word(centroid_hz: float, previous_centroid_hz: float) -> str | None:
    """ "brighter" / "darker" when the centroid (Hz) moved by BRIGHTNESS_CHANGE_RATIO or more, else None."""
    if not (np.isfinite(centroid_hz) and np.isfinite(previous_centroid_hz)) or previous_centroid_hz <= 0:
        return None
    ratio = centroid_hz / previous_centroid_hz
    if ratio >= BRIGHTNESS_CHANGE_RATIO:
        return "brighter"
    if ratio <= 1.0 / BRIGHTNESS_CHANGE_RATIO:
        return "darker"
    return None
