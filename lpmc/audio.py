"""Audio input: decode any common file to mono float32, resample, and cut time into 10 s chunks.

Decoding uses libsndfile through `soundfile` for the containers it reads well (wav, flac, ogg, aiff,
recognised by their first bytes) and FFmpeg through PyAV for the rest (mp3, m4a/aac, ...): FFmpeg fails
quietly on files that are not audio, where libsndfile's MP3 decoder prints notes on stderr. The sample
rate and the duration are checked against their limits from the header, before the samples are decoded,
so an absurd or over-long file is refused quickly and memory stays bounded. A file whose audio stops well
before the duration its header declares (a cut-short download) is decoded as far as it goes, with a note.
"""

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile
import soxr

from lpmc import settings
from lpmc.errors import AudioError

# Captioning hears a song at 16 kHz (the rate LP-MusicCaps and musicnn were trained at), cut into
# consecutive 10 s chunks; each chunk gets a caption and its own tags.
SAMPLE_RATE = 16_000
CHUNK_SECONDS = 10.0
CHUNK_SAMPLES = int(CHUNK_SECONDS * SAMPLE_RATE)
LISTENING_RESAMPLER = "kaiser_best"  # musicnn's resampler: its taggers hear what they were trained on
log = logging.getLogger(__name__)

SUPPORTED_FORMATS = "wav, flac, ogg, mp3, m4a/aac"
LIBSNDFILE_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM")  # wav, flac, ogg, aiff
BLOCK_FRAMES = 1 << 18  # frames decoded at a time by libsndfile
ESTIMATE_MARGIN = 1.05  # FFmpeg's duration may be an estimate; refuse before decoding only beyond this
# Sample rates accepted from a header: telephone-band speech up to the highest rate studio gear records.
# Outside this a header is corrupt or crafted (7 Hz makes 2 KB pass as minutes of audio).
MIN_SAMPLE_RATE = 4_000
MAX_SAMPLE_RATE = 768_000
# A file is cut short when its audio stops this many seconds, and ESTIMATE_MARGIN, before its declared end.
TRUNCATED_MIN_SECONDS = 1.0

# resampy's "kaiser_best" filter (what librosa <= 0.9 used; the musicnn weights were trained on it):
# a Kaiser-windowed sinc tabulated at 2**13 points per zero crossing, 50 zero crossings one side.
KAISER_ZERO_CROSSINGS = 50
KAISER_TABLE_PRECISION = 2**13
KAISER_ROLLOFF = 0.9173473712608761
KAISER_BETA = 12.9846
KAISER_MAX_PHASES = 1000  # rate ratios with more polyphase phases go through soxr to 48 kHz first
RESAMPLE_BLOCKS = 8192  # output blocks per matrix product (bounds memory on long songs)


def load_audio(path: str | Path, sr: int, max_seconds: float | None = None) -> np.ndarray:
    """Decode `path` to mono float32 at `sr` Hz (soxr HQ resampling), shape (n,). Raises AudioError for
    unusable files. For tagging, pass `decode_audio`'s native-rate samples to `Tagger.tag` instead: each
    tagger then resamples with the resampler its model was trained with.

    max_seconds: longest accepted duration; None means `settings.max_audio_seconds()`.
    """
    audio, native_sr = decode_audio(path, max_seconds)
    return resample(audio, native_sr, sr)


@dataclass
class DecodedAudio:
    """A decoded file: mono float32 samples (n,), their rate in Hz, the file's duration in seconds (kept
    when the samples are resampled) and notes for the user (it was cut short, say): the audio is usable,
    but the person should know."""

    samples: np.ndarray
    sr: int
    duration: float
    notes: list[str] = field(default_factory=list)


def decode_audio(path: str | Path, max_seconds: float | None = None) -> tuple[np.ndarray, int]:
    """Decode `path` at its own sample rate: (mono float32 samples (n,), sample rate in Hz)."""
    decoded = decode_audio_checked(path, max_seconds)
    return decoded.samples, decoded.sr


def decode_audio_checked(path: str | Path, max_seconds: float | None = None) -> DecodedAudio:
    """Like `decode_audio`, with notes to show the user (e.g. the file stops before its declared end)."""
    path = Path(path)
    limit = settings.max_audio_seconds() if max_seconds is None else max_seconds
    if not path.is_file():
        raise AudioError(f"Audio file '{path.name}' was not found.")
    if path.stat().st_size == 0:
        raise AudioError(f"Audio file '{path.name}' is empty (0 bytes).")
    frames, sr = _libsndfile_frames(path)
    if frames > 0:
        _check_rate(path, sr)
        declared = frames / sr
        _check_duration(path, declared, limit)
        audio = _decode_libsndfile(path)
    else:
        audio, sr, declared = _decode_ffmpeg(path, limit)
    if audio.size == 0:
        raise AudioError(f"Audio file '{path.name}' contains no samples (zero length).")
    if not np.isfinite(audio).all():  # float files can hold NaN/inf, which would poison every tag
        audio = np.nan_to_num(audio, nan=0.0, posinf=1.0, neginf=-1.0)
    _check_duration(path, audio.size / sr, limit)
    return DecodedAudio(audio, sr, audio.size / sr, _truncation_notes(path, audio.size / sr, declared))


def decode_for_listening(path: str | Path) -> DecodedAudio:
    """`path` decoded and resampled to SAMPLE_RATE with LISTENING_RESAMPLER, as captioning and its taggers
    hear songs. Needs no torch, so a caller can decode while torch loads."""
    decoded = decode_audio_checked(path)
    samples = resample(decoded.samples, decoded.sr, SAMPLE_RATE, LISTENING_RESAMPLER)
    return DecodedAudio(samples, SAMPLE_RATE, decoded.duration, decoded.notes)


def _check_rate(path: Path, sr: int) -> None:
    if not MIN_SAMPLE_RATE <= sr <= MAX_SAMPLE_RATE:
        raise AudioError(
            f"Audio file '{path.name}' declares a sample rate of {sr} Hz; lpmc reads {MIN_SAMPLE_RATE} "
            f"to {MAX_SAMPLE_RATE} Hz (the file is probably corrupt)."
        )


def _truncation_notes(path: Path, decoded: float, declared: float | None) -> list[str]:
    """[a sentence] when the audio stops well before the duration the header declares, else []."""
    cut_short = (
        declared is not None
        and declared > decoded * ESTIMATE_MARGIN
        and declared - decoded > TRUNCATED_MIN_SECONDS
    )
    if not cut_short:
        return []
    note = (
        f"Audio file '{path.name}' stops at {format_timestamp(decoded)} although its header says "
        f"{format_timestamp(declared)}: it is probably cut short, and only the first "
        f"{format_timestamp(decoded)} was used."
    )
    log.warning(note)
    return [note]


def _check_duration(path: Path, seconds: float, limit: float, margin: float = 1.0) -> None:
    if seconds > limit * margin:
        raise AudioError(
            f"Audio file '{path.name}' is {format_timestamp(seconds)} long; the limit is "
            f"{format_timestamp(limit)} (set LPMC_MAX_AUDIO_SECONDS to change it)."
        )


def _libsndfile_frames(path: Path) -> tuple[int, int]:
    """(frames, sample rate) from the header, or (0, 0) when the file is not one left to libsndfile."""
    with path.open("rb") as file:
        if not file.read(4).startswith(LIBSNDFILE_MAGIC):
            return 0, 0
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError):
        return 0, 0
    return info.frames, info.samplerate


def _decode_libsndfile(path: Path) -> np.ndarray:
    """Mono float32 samples, downmixed block by block (the mean of the channels)."""
    blocks = []
    try:
        with soundfile.SoundFile(str(path)) as file:
            while len(block := file.read(BLOCK_FRAMES, dtype="float32", always_2d=True)):
                blocks.append(block.mean(axis=1, dtype=np.float32))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise _corrupt(path, error) from error
    return np.concatenate(blocks) if blocks else np.zeros(0, np.float32)


def _decode_ffmpeg(path: Path, limit: float) -> tuple[np.ndarray, int, float | None]:
    """Decode with FFmpeg (PyAV): (samples, rate, declared duration in seconds or None when the
    container has none). Stops as soon as the decoded audio exceeds `limit` seconds."""
    import av  # imported here: only files libsndfile cannot read need it

    unreadable = AudioError(
        f"'{path.name}' is not a readable audio file (it is corrupt or not in a supported format: "
        f"{SUPPORTED_FORMATS})."
    )
    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as error:
        raise unreadable from error
    with container:
        if not container.streams.audio:
            raise AudioError(f"'{path.name}' contains no audio stream.")
        stream = container.streams.audio[0]
        if stream.rate:  # some containers only know the rate once a frame is decoded
            _check_rate(path, stream.rate)
        declared = None if container.duration is None else container.duration / av.time_base
        if declared is not None:
            _check_duration(path, declared, limit, ESTIMATE_MARGIN)
        to_float = av.AudioResampler(format="fltp")  # planar float32, channel layout and rate kept
        blocks, n_samples, sr = [], 0, stream.rate
        try:
            for frame in container.decode(stream):
                for converted in to_float.resample(frame):
                    block = converted.to_ndarray().mean(axis=0, dtype=np.float32)
                    blocks.append(block)
                    n_samples += block.size
                    sr = converted.sample_rate
                    _check_rate(path, sr)
                if sr and n_samples > (limit + 1) * sr:
                    _check_duration(path, n_samples / sr, limit)
        except (av.FFmpegError, ValueError) as error:
            if not blocks:
                raise unreadable from error
            raise _corrupt(path, error) from error
    if not sr:
        raise unreadable
    return (np.concatenate(blocks) if blocks else np.zeros(0, np.float32)), sr, declared


def _corrupt(path: Path, error: Exception) -> AudioError:
    return AudioError(f"Audio file '{path.name}' is corrupt and could not be decoded ({error}).")


def resample(audio: np.ndarray, sr_from: int, sr_to: int, method: str = "soxr_hq") -> np.ndarray:
    """Resample mono `audio` (n,) from `sr_from` to `sr_to` Hz; float32 of length ceil(n * sr_to / sr_from).

    method: "soxr_hq" (fast, what librosa >= 0.10 uses) or "kaiser_best" (resampy's filter, which
    librosa <= 0.9 used; models trained on it, such as musicnn, need it to reproduce their outputs).
    """
    audio = np.asarray(audio, dtype=np.float32)
    if sr_from == sr_to:
        return audio
    n_out = math.ceil(audio.size * sr_to / sr_from)
    if method == "soxr_hq":
        out = soxr.resample(audio, sr_from, sr_to, quality="HQ")
    elif method == "kaiser_best":
        out = _resample_kaiser_best(audio, sr_from, sr_to)
    else:
        raise ValueError(f"unknown resampling method {method!r}")
    return _fix_length(out.astype(np.float32, copy=False), n_out)


def _fix_length(audio: np.ndarray, n: int) -> np.ndarray:
    return audio[:n] if audio.size >= n else np.pad(audio, (0, n - audio.size))


def _resample_kaiser_best(audio: np.ndarray, sr_from: int, sr_to: int) -> np.ndarray:
    """resampy.resample(audio, sr_from, sr_to, filter="kaiser_best"), computed as a polyphase product.

    Output sample t sits at input time t * M / L (L/M = sr_to/sr_from reduced); its weights depend only
    on t mod L, so every block of L outputs is one (L, taps) matrix applied to a sliding input window.
    """
    step_up, step_down = _reduced_ratio(sr_from, sr_to)
    if step_up > KAISER_MAX_PHASES:  # an odd rate: go through 48 kHz so the filter bank stays small
        return _resample_kaiser_best(soxr.resample(audio, sr_from, 48_000, quality="VHQ"), 48_000, sr_to)
    kernel, left = _kaiser_polyphase_kernel(step_up, step_down)
    n_out = int(audio.size * step_up / step_down)
    n_blocks = -(-n_out // step_up)
    taps = kernel.shape[1]
    padded = np.zeros(left + n_blocks * step_down + taps, np.float32)
    padded[left : left + audio.size] = audio
    windows = np.lib.stride_tricks.sliding_window_view(padded, taps)[::step_down][:n_blocks]
    out = np.concatenate(
        [windows[i : i + RESAMPLE_BLOCKS] @ kernel.T for i in range(0, n_blocks, RESAMPLE_BLOCKS)], axis=0
    )
    return out.reshape(-1)[:n_out]


def _reduced_ratio(sr_from: int, sr_to: int) -> tuple[int, int]:
    divisor = math.gcd(sr_from, sr_to)
    return sr_to // divisor, sr_from // divisor


def _kaiser_polyphase_kernel(step_up: int, step_down: int) -> tuple[np.ndarray, int]:
    """(L, taps) float32 weights and the number of zeros to pad on the left, following resampy's
    table lookup exactly (linear interpolation of the table, integer table step)."""
    n_table = KAISER_TABLE_PRECISION * KAISER_ZERO_CROSSINGS
    grid = np.linspace(0, KAISER_ZERO_CROSSINGS, n_table + 1)
    window = np.kaiser(2 * n_table + 1, KAISER_BETA)[n_table:]
    table = KAISER_ROLLOFF * np.sinc(KAISER_ROLLOFF * grid) * window
    ratio = step_up / step_down
    scale = min(1.0, ratio)
    table = table * scale
    delta = np.append(np.diff(table), 0.0)
    index_step = int(scale * KAISER_TABLE_PRECISION)
    reach = table.size // index_step + 1  # input samples one side that any phase can touch
    kernel = np.zeros((step_up, step_down + 2 * reach), np.float64)
    for phase in range(step_up):
        whole, remainder = divmod(phase * step_down, step_up)
        frac = scale * remainder / step_up
        center = reach + whole  # index of input sample n in this block's window
        for sign, position in ((-1, frac), (1, scale - frac)):
            index = position * KAISER_TABLE_PRECISION
            offset = int(index)
            eta = index - offset
            count = (table.size - offset) // index_step
            lookup = offset + np.arange(count) * index_step
            weights = table[lookup] + eta * delta[lookup]
            if sign < 0:
                kernel[phase, center - np.arange(count)] += weights
            else:
                kernel[phase, center + 1 + np.arange(count)] += weights
    return kernel.astype(np.float32), reach


def chunk_bounds(duration: float, chunk_seconds: float = CHUNK_SECONDS) -> list[tuple[float, float]]:
    """Consecutive chunks [i * chunk_seconds, min((i + 1) * chunk_seconds, duration)); the tail is kept."""
    count = math.ceil(duration / chunk_seconds) if duration > 0 else 0
    return [(i * chunk_seconds, min((i + 1) * chunk_seconds, duration)) for i in range(count)]


def format_timestamp(seconds: float) -> str:
    """Seconds as "m:ss" (rounded down to the second), e.g. 75.2 -> "1:15"; minutes go past 59."""
    minutes, secs = divmod(int(max(seconds, 0.0)), 60)
    return f"{minutes}:{secs:02d}"


# Files the folder commands (`lpmc index`, `lpmc caption DIR`) pick up, by extension.
AUDIO_EXTENSIONS = frozenset({".wav", ".flac", ".ogg", ".oga", ".mp3", ".m4a", ".aac", ".opus"})


def audio_files(folder: Path) -> list[Path]:
    """Audio files under `folder` (recursively), sorted, by extension."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())
