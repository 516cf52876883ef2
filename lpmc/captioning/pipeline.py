"""Caption a song: every 10 s chunk gets a caption and the tags heard there, plus a song-level summary.

The file is decoded once and resampled once to 16 kHz (the rate LP-MusicCaps and musicnn hear, with
musicnn's resampler); the taggers always run, whichever model writes the text, so the tags over time and
the taggram are there either way. Chunk i covers [10 i, 10 i + 10) s; the tail is kept (zero-padded for
LP-MusicCaps, its real end reported). LP-MusicCaps captions chunks in batches, and `iter_caption_file`
yields the growing result after each batch so a UI can show captions and a progress bar as they come.
"""

import dataclasses
import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lpmc import registry, settings
from lpmc.audio import chunk_bounds, decode_audio, format_timestamp, resample
from lpmc.captioning.analysis import SongAnalysis, analyse_song
from lpmc.captioning.builtin import NAME as BUILTIN
from lpmc.captioning.builtin import BuiltinCaptioner, taggers
from lpmc.errors import AudioError, InputError, ModelUnavailable
from lpmc.tagging import load_tagger, tag_many

SAMPLE_RATE = 16_000
RESAMPLE_METHOD = "kaiser_best"  # musicnn's resampler: its taggers hear what they were trained on
CHUNK_SECONDS = 10.0
CHUNK_SAMPLES = int(CHUNK_SECONDS * SAMPLE_RATE)
LP_MUSIC_CAPS = ("lp-music-caps-transfer", "lp-music-caps-pretrain", "lp-music-caps-supervised")
AUTO_PREFERENCE = LP_MUSIC_CAPS[0]  # what "auto" uses when its weights are here
MODEL_CHOICES = ("auto", "builtin", *LP_MUSIC_CAPS)
# Share of the progress bar done after decoding and after tagging; LP-MusicCaps batches fill the rest.
DECODED_PROGRESS = 0.05
TAGGED_PROGRESS = {BUILTIN: 0.95, **dict.fromkeys(LP_MUSIC_CAPS, 0.2)}


@dataclass
class ChunkCaption:
    start: float  # seconds
    end: float  # seconds (the real end of the audio for the tail)
    text: str
    tags: list[str]  # grounded tags: heard by the taggers, then measured

    @property
    def timestamp(self) -> str:
        """ "m:ss–m:ss" of the real audio; the end is rounded up, so a short tail never reads "4:50–4:50"."""
        return f"{format_timestamp(self.start)}–{format_timestamp(math.ceil(self.end))}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "tags": list(self.tags),
        }


@dataclass
class SongCaption:
    """A song's captions so far; `progress` reaches 1.0 when every chunk is captioned."""

    file: str
    model: str  # registry name of the model that wrote the chunk captions
    note: str  # why a stronger model was not used ("" when it was)
    duration: float  # seconds
    chunks: list[ChunkCaption] = field(default_factory=list)
    summary: str = ""
    progress: float = 0.0
    tag_results: dict[str, Any] = field(default_factory=dict)  # tagger name -> TagResult (taggram)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "model": self.model,
            "duration": round(self.duration, 3),
            "chunks": [chunk.to_dict() for chunk in self.chunks],
            "summary": self.summary,
            "note": self.note,
        }


def choose_model(model: str = "auto") -> tuple[str, str]:
    """(registry name of the captioning model to use, note saying why a stronger one is not used)."""
    if model == "auto":
        status = registry.availability(AUTO_PREFERENCE)
        if status:
            return AUTO_PREFERENCE, ""
        return BUILTIN, f"{AUTO_PREFERENCE} was not used: {status.reason}"
    if model in ("builtin", BUILTIN):
        return BUILTIN, ""
    if model in LP_MUSIC_CAPS:
        return model, ""
    raise InputError(f"Unknown captioning model '{model}'. Choose one of: {', '.join(MODEL_CHOICES)}.")


def load_captioner(model: str = "auto") -> tuple[str, str, Any]:
    """(registry name, note, loaded captioner). With "auto", a stronger model that fails to load falls back
    to the built-in captioner and the note says why; a model asked for by name raises ModelUnavailable."""
    name, note = choose_model(model)
    try:
        return name, note, registry.load(name)
    except ModelUnavailable as error:
        if model != "auto":
            raise
        return BUILTIN, f"{name} could not be loaded: {error}", registry.load(BUILTIN)


def iter_caption_file(
    path: str | Path, model: str = "auto", batch_size: int = settings.CAPTION_BATCH_SIZE
) -> Iterator[SongCaption]:
    """Caption an audio file, yielding the growing SongCaption (progress 0..1, last one complete)."""
    name, note, captioner = load_captioner(model)  # before decoding: an unavailable model fails fast
    # The decoded samples are passed on, not kept here, so they are freed once resampled.
    yield from _iter_caption(*decode_audio(path), name, note, captioner, str(path), batch_size)


def caption_file(path: str | Path, model: str = "auto") -> SongCaption:
    """Caption an audio file completely."""
    return _last(iter_caption_file(path, model))


def caption_audio(audio: np.ndarray, sr: int, model: str = "auto", name: str = "") -> SongCaption:
    """Caption mono float audio (n,) sampled at `sr` Hz (the length limit applies as for files)."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise AudioError(f"Expected mono audio of shape (n,); got shape {audio.shape}.")
    if audio.size == 0:
        raise AudioError("The audio contains no samples (zero length).")
    if audio.size / sr > settings.MAX_AUDIO_SECONDS:
        raise AudioError(
            f"The audio is {format_timestamp(audio.size / sr)} long; the limit is "
            f"{format_timestamp(settings.MAX_AUDIO_SECONDS)} (set LPMC_MAX_AUDIO_SECONDS to change it)."
        )
    chosen, note, captioner = load_captioner(model)
    return _last(_iter_caption(audio, sr, chosen, note, captioner, name, settings.CAPTION_BATCH_SIZE))


def _last(results: Iterator[SongCaption]) -> SongCaption:
    return deque(results, maxlen=1)[0]


def _iter_caption(
    audio: np.ndarray, sr: int, model: str, note: str, captioner: Any, name: str, batch_size: int
) -> Iterator[SongCaption]:
    result = SongCaption(file=name, model=model, note=note, duration=audio.size / sr)
    audio = resample(audio, sr, SAMPLE_RATE, RESAMPLE_METHOD)
    if not np.all(np.isfinite(audio)):
        raise AudioError("The audio contains NaN or infinite samples; it cannot be captioned.")
    result.progress = DECODED_PROGRESS
    yield _snapshot(result)

    tagged = TAGGED_PROGRESS[model]
    groups = _by_front_end([load_tagger(name) for name in taggers()])
    for done, group in enumerate(groups, 1):
        for tagger, found in zip(group, tag_many(group, audio, SAMPLE_RATE), strict=True):
            result.tag_results[tagger.name] = found
        # One more step than groups: the analysis below ends the tagging share of the bar.
        result.progress = _between(DECODED_PROGRESS, tagged, done / (len(groups) + 1))
        yield _snapshot(result)
    bounds = chunk_bounds(result.duration, CHUNK_SECONDS)
    analysis = analyse_song(audio, SAMPLE_RATE, bounds, result.tag_results)
    # LP-MusicCaps captions chunks only: the song-level summary is always the built-in one.
    result.summary = BuiltinCaptioner().summary(analysis)
    result.progress = tagged
    if model == BUILTIN:
        texts = captioner.chunk_captions(analysis)
        result.chunks = [_chunk_caption(analysis, index, text) for index, text in enumerate(texts)]
        result.progress = 1.0
        yield _snapshot(result)
        return
    yield _snapshot(result)
    batch_size = max(1, batch_size)
    for first in range(0, len(bounds), batch_size):
        indices = range(first, min(first + batch_size, len(bounds)))
        texts = captioner.caption(np.stack([_padded_chunk(audio, bounds[i][0]) for i in indices]))
        result.chunks += [_chunk_caption(analysis, i, text) for i, text in zip(indices, texts, strict=True)]
        result.progress = _between(tagged, 1.0, len(result.chunks) / len(bounds))
        yield _snapshot(result)


def _between(start: float, end: float, fraction: float) -> float:
    return start + (end - start) * fraction


def _by_front_end(taggers: list) -> list[list]:
    """Taggers grouped by how they hear audio: a group shares one mel spectrogram in `tag_many`."""
    groups: dict[Any, list] = {}
    for tagger in taggers:
        groups.setdefault(tagger.front_end, []).append(tagger)
    return list(groups.values())


def _chunk_caption(analysis: SongAnalysis, index: int, text: str) -> ChunkCaption:
    chunk = analysis.chunks[index]
    return ChunkCaption(chunk.start, chunk.end, text, chunk.tags)


def _padded_chunk(audio: np.ndarray, start_seconds: float) -> np.ndarray:
    """(160000,) the 10 s of 16 kHz audio from `start_seconds`, zero-padded past the end of the song."""
    start = int(round(start_seconds * SAMPLE_RATE))
    chunk = audio[start : start + CHUNK_SAMPLES]
    return np.pad(chunk, (0, CHUNK_SAMPLES - chunk.size))


def _snapshot(result: SongCaption) -> SongCaption:
    """A copy a consumer can keep while the pipeline goes on appending chunks."""
    return dataclasses.replace(result, chunks=list(result.chunks), tag_results=dict(result.tag_results))
