"""A whole song heard once, without chunk captions: what the built-in captioner's taggers hear in it and
what is measured (analysis.py), for the features that describe whole songs: the library index (tags, a
summary, an audio-content profile) and playlist descriptions. Audio is heard as the caption pipeline
hears it (16 kHz, musicnn's resampler), so a song's tags here are the tags its captions name.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lpmc.audio import SAMPLE_RATE, chunk_bounds, decode_for_listening
from lpmc.captioning import builtin
from lpmc.captioning.analysis import SongAnalysis, analyse_song
from lpmc.tagging import load_tagger
from lpmc.tagging.result import TagResult
from lpmc.tagging.tagger import tag_many


@dataclass
class HeardSong:
    duration: float  # seconds
    tag_results: dict[str, TagResult]  # tagger name -> taggram, in `builtin.taggers()` order
    analysis: SongAnalysis

    def summary(self) -> str:
        """The built-in captioner's song summary, as the Audio tab shows it."""
        return builtin.BuiltinCaptioner().summary(self.analysis)

    def profile(self) -> np.ndarray:
        """(D,) float32: every tagger's song-level tag probabilities, one after the other."""
        return np.concatenate([result.song_scores for result in self.tag_results.values()]).astype(np.float32)


def hear_song(path: str | Path) -> HeardSong:
    """Decode, tag and measure a song (AudioError for files that cannot be used)."""
    decoded = decode_for_listening(path)
    duration, audio = decoded.duration, decoded.samples
    taggers = [load_tagger(name) for name in builtin.taggers()]
    results = {
        tagger.name: found
        for tagger, found in zip(taggers, tag_many(taggers, audio, SAMPLE_RATE), strict=True)
    }
    return HeardSong(duration, results, analyse_song(audio, SAMPLE_RATE, chunk_bounds(duration), results))
