"""The built-in captioner: describe every 10 s chunk from what the shipped models hear and what is measured.

For each chunk, the taggers' top tags (instruments, voices, genres: thresholded; moods: ranked) and the
measured descriptors (tempo, key, loudness, dynamics, brightness) form a tag list (analysis.py), and the
Tags tab's writer turns it into English (narration.py). Only what a model or a measurement supports is
mentioned: a silent chunk is called silent and nothing else. After the first chunk, a caption says what
changed ("Drums come in; the tempo picks up to 128 BPM.") instead of repeating the description, and two
consecutive chunks never share a sentence word for word.
"""

from collections.abc import Iterator

import numpy as np

from lpmc import registry
from lpmc.captioning.analysis import SongAnalysis
from lpmc.captioning.narration import narrate_chunks, summarise
from lpmc.tasks import TAGGING

NAME = "builtin-captioner"


def taggers() -> tuple[str, ...]:
    """Registry names of the taggers whose tags the captioner reads (the pipeline runs them for every
    song): the tagging parts of the captioner's registry entry."""
    parts = registry.get(NAME).source.parts
    return tuple(part for part in parts if registry.get(part).task == TAGGING)


class BuiltinCaptioner:
    """Writes chunk captions and a song summary from a SongAnalysis; holds no model of its own."""

    name = NAME

    def caption_chunks(
        self, audio: np.ndarray, analysis: SongAnalysis, batch_size: int
    ) -> Iterator[list[str]]:
        """Yields each chunk's caption as a one-element list, in order, as soon as it is written, so a UI
        can show each row as it comes. The captions come from `analysis` alone: `audio` (n,) is not read,
        and `batch_size` does not matter (a caption takes milliseconds to write)."""
        for caption in narrate_chunks(analysis):
            yield [caption]

    def summary(self, analysis: SongAnalysis) -> str:
        """A song-level caption from the song's heard tags and measured descriptors."""
        return summarise(analysis)


def load_builtin_captioner(files: dict) -> BuiltinCaptioner:
    """Registry loader: the built-in captioner has no files of its own (its taggers are separate entries)."""
    return BuiltinCaptioner()
