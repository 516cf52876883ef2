"""The five tasks lpmc runs models for, and the one protocol each task's loaded models implement.

A registry entry names its task; its loader returns an object implementing that task's protocol, so every
feature calls a model the same way whichever entry it is. Dispatch is by protocol, never by model name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from lpmc.captioning.analysis import SongAnalysis
    from lpmc.recommend.image import Photo
    from lpmc.recommend.reading import PhotoReading
    from lpmc.tagging.result import TagResult
    from lpmc.text.caption import Caption

TAG_CAPTIONING = "tag-captioning"
AUDIO_CAPTIONING = "audio-captioning"
TAGGING = "tagging"
IMAGE_UNDERSTANDING = "image-understanding"
TEXT_EMBEDDING = "text-embedding"
TASKS = (TAG_CAPTIONING, AUDIO_CAPTIONING, TAGGING, IMAGE_UNDERSTANDING, TEXT_EMBEDDING)

# What a user chooses to let the registry pick: the first available entry in preference order.
AUTO = "auto"

# Called with each piece of text as a model writes it (for streaming to the page); may be None.
OnText = Callable[[str], None] | None


@runtime_checkable
class TagCaptioner(Protocol):
    """tags -> caption. `write` raises BackendError when the model or service fails while writing."""

    def write(
        self, tags: list[str], style: str, on_text: OnText = None, language: str = "English"
    ) -> Caption:
        """A caption of `tags` (cleaned, 1..MAX_TAGS) in `style` (one of lpmc.text.prompts.STYLES), in
        `language` where the model can write it (a checked language name).
        The returned Caption carries text, model, new_attributes, raw and warnings; the caller fills in
        which registry entry wrote it, why others did not, and its check against the tags."""
        ...


@runtime_checkable
class AudioCaptioner(Protocol):
    """audio -> a caption for every 10 s chunk."""

    def caption_chunks(
        self, audio: np.ndarray, analysis: SongAnalysis, batch_size: int
    ) -> Iterator[list[str]]:
        """`audio`: (n,) float32 mono at 16 kHz; `analysis`: the taggers' and measurements' reading of each
        chunk (`analysis.iter_chunks()`, each with .start/.end in seconds, analysed as it is reached: read
        them in order to caption a song's start while its end is tagged). Yields the captions of successive
        chunks, in order, in groups of at most `batch_size`, until every chunk has one."""
        ...


@runtime_checkable
class Tagger(Protocol):
    """audio -> tags over time."""

    name: str
    tags: list[str]

    def tag(self, audio: np.ndarray, sr: int) -> TagResult:
        """Tag mono `audio` (n,) sampled at `sr` Hz: a taggram (windows x tags) and song-level scores."""
        ...


@runtime_checkable
class ImageReader(Protocol):
    """photo -> words about its scene (labels, scene words, a caption)."""

    def read(self, photo: Photo) -> PhotoReading:
        """What this model sees in `photo` (already checked and decoded, at most 512 px)."""
        ...


@runtime_checkable
class TextEmbedder(Protocol):
    """texts -> vectors in one shared space."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row of unit length."""
        ...


PROTOCOLS: dict[str, type] = {
    TAG_CAPTIONING: TagCaptioner,
    AUDIO_CAPTIONING: AudioCaptioner,
    TAGGING: Tagger,
    IMAGE_UNDERSTANDING: ImageReader,
    TEXT_EMBEDDING: TextEmbedder,
}
