"""Caption a song: every 10 s chunk gets a caption and the tags heard there, plus a song-level summary.

The file is decoded once and resampled once to 16 kHz (the rate LP-MusicCaps and musicnn hear, with
musicnn's resampler); the taggers always run, whichever model writes the text, so the tags over time and
the taggram are there either way. Chunk i covers [10 i, 10 i + 10) s; the tail is kept (zero-padded for
LP-MusicCaps, its real end reported). The taggers hear the song block by block as the captioner reaches
its chunks (the built-in captioner one chunk at a time, LP-MusicCaps in batches), and `iter_caption_file`
yields the growing result after each caption so a UI shows the first rows within a second or two of a
long song's start; the song's summary and taggram come with the last chunk.
"""

import dataclasses
import math
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lpmc import registry, settings
from lpmc.audio import (
    LISTENING_RESAMPLER,
    SAMPLE_RATE,
    DecodedAudio,
    chunk_bounds,
    decode_for_listening,
    format_timestamp,
    resample,
)
from lpmc.captioning import builtin
from lpmc.captioning.analysis import ChunkAnalysis, analyse_song
from lpmc.errors import AudioError
from lpmc.tagging import load_tagger
from lpmc.tagging.result import TagResult
from lpmc.tagging.tagger import SongTagging
from lpmc.tasks import AUDIO_CAPTIONING, AUTO, AudioCaptioner, Tagger

# Share of the progress bar done after decoding and measuring; the chunk captions fill the rest.
DECODED_PROGRESS = 0.05


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
    taggram_tagger: str = ""  # the tagger whose taggram a page draws ("" until it has run)
    warnings: list[str] = field(default_factory=list)  # about the input, e.g. a file that was cut short

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "model": self.model,
            "duration": round(self.duration, 3),
            "chunks": [chunk.to_dict() for chunk in self.chunks],
            "summary": self.summary,
            "note": self.note,
            "warnings": list(self.warnings),
        }


def load_captioner(model: str = AUTO) -> tuple[AudioCaptioner, registry.Chosen]:
    """(loaded captioner, which registry entry it is and why the ones preferred to it are not used).
    `model` is "auto", an audio-captioning entry's name or alias; with "auto" an entry that is unavailable
    or fails to load gives way to the next; one chosen by name raises ModelUnavailable instead."""
    return registry.load_first(AUDIO_CAPTIONING, model)


def iter_caption_file(
    path: str | Path,
    model: str = AUTO,
    batch_size: int | None = None,
    extra_taggers: Sequence[str] = (),
    decoding: Future[DecodedAudio] | None = None,
) -> Iterator[SongCaption]:
    """Caption an audio file, yielding the growing SongCaption (progress 0..1, last one complete).
    `extra_taggers`: tagging models (names or aliases) run besides the captioner's own, e.g. for a taggram;
    the first of them is the result's `taggram_tagger`. `decoding`: `decode_for_listening(path)` already
    under way (the command line starts it while torch loads)."""
    captioner, chosen = load_captioner(model)  # before decoding: an unavailable model fails fast
    taggers = _taggers(extra_taggers)
    decoded = decoding.result() if decoding else decode_for_listening(path)
    batch_size = batch_size or settings.caption_batch_size()
    stream = _iter_caption(
        decoded.samples, decoded.sr, decoded.duration, captioner, chosen, str(path), batch_size, taggers
    )
    notes = decoded.notes
    del decoded  # the samples live on only in the stream
    for result in stream:
        result.warnings = list(notes)
        yield result


def caption_file(path: str | Path, model: str = AUTO) -> SongCaption:
    """Caption an audio file completely."""
    return _last(iter_caption_file(path, model))


def caption_audio(audio: np.ndarray, sr: int, model: str = AUTO, name: str = "") -> SongCaption:
    """Caption mono float audio (n,) sampled at `sr` Hz (the length limit applies as for files)."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise AudioError(f"Expected mono audio of shape (n,); got shape {audio.shape}.")
    if audio.size == 0:
        raise AudioError("The audio contains no samples (zero length).")
    if audio.size / sr > settings.max_audio_seconds():
        raise AudioError(
            f"The audio is {format_timestamp(audio.size / sr)} long; the limit is "
            f"{format_timestamp(settings.max_audio_seconds())} (set LPMC_MAX_AUDIO_SECONDS to change it)."
        )
    captioner, chosen = load_captioner(model)
    taggers = _taggers(())
    batch_size = settings.caption_batch_size()
    return _last(_iter_caption(audio, sr, audio.size / sr, captioner, chosen, name, batch_size, taggers))


def _last(results: Iterator[SongCaption]) -> SongCaption:
    return deque(results, maxlen=1)[0]


def _iter_caption(
    audio: np.ndarray,
    sr: int,
    duration: float,
    captioner: AudioCaptioner,
    chosen: registry.Chosen,
    name: str,
    batch_size: int,
    taggers: list[Tagger],
) -> Iterator[SongCaption]:
    result = SongCaption(file=name, model=chosen.name, note=chosen.note, duration=duration)
    audio = resample(audio, sr, SAMPLE_RATE, LISTENING_RESAMPLER)
    if not np.all(np.isfinite(audio)):
        raise AudioError("The audio contains NaN or infinite samples; it cannot be captioned.")
    bounds = chunk_bounds(result.duration)
    tagging = SongTagging(taggers, audio, SAMPLE_RATE)

    def tag_results_until(seconds: float) -> dict[str, TagResult]:
        return {found.model: found for found in tagging.results_until(seconds)}

    # Chunks are tagged and analysed as the captioner reads them, so the first rows come long before the
    # song's end has been through the taggers.
    analysis = analyse_song(audio, SAMPLE_RATE, bounds, tag_results_until)
    result.progress = DECODED_PROGRESS
    yield _snapshot(result)
    for texts in captioner.caption_chunks(audio, analysis, max(1, batch_size)):
        first = len(result.chunks)
        result.chunks += [_chunk_caption(analysis.chunk(first + i), text) for i, text in enumerate(texts)]
        # The song's summary and taggram, once every chunk is captioned, are the last step of the bar.
        result.progress = _between(DECODED_PROGRESS, 1.0, len(result.chunks) / (len(bounds) + 1))
        yield _snapshot(result)
    result.tag_results = tag_results_until(math.inf)
    result.taggram_tagger = taggers[0].name
    result.summary = builtin.BuiltinCaptioner().summary(analysis)
    result.progress = 1.0
    yield _snapshot(result)


def _taggers(extra: Sequence[str]) -> list[Tagger]:
    """The loaded taggers for a song: `extra` first (the taggram's), then the built-in captioner's, which
    always run whichever model writes the text: they give the tags heard in each chunk and the summary."""
    loaded = [load_tagger(name) for name in extra]
    names = {tagger.name for tagger in loaded}
    return loaded + [load_tagger(name) for name in builtin.taggers() if name not in names]


def _between(start: float, end: float, fraction: float) -> float:
    return start + (end - start) * fraction


def _chunk_caption(chunk: ChunkAnalysis, text: str) -> ChunkCaption:
    return ChunkCaption(chunk.start, chunk.end, text, chunk.tags)


def _snapshot(result: SongCaption) -> SongCaption:
    """A copy a consumer can keep while the pipeline goes on appending chunks."""
    return dataclasses.replace(result, chunks=list(result.chunks), tag_results=dict(result.tag_results))
