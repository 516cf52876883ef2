"""What a tagger returns for a song: a taggram (windows x tags) and the song-level tags."""

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TagResult:
    """Tag probabilities over time.

    scores[w, t] is the probability of tag t in window w, which covers [starts[w], ends[w]) seconds.
    Song-level scores are the plain mean over windows (`song_scores`): each window counts once, so
    where windows overlap (the last window is aligned to the end of the song) that stretch counts more.
    """

    model: str
    tags: list[str]
    starts: np.ndarray  # (W,) seconds
    ends: np.ndarray  # (W,) seconds
    scores: np.ndarray  # (W, T) probabilities
    duration: float  # seconds of audio that was tagged

    @property
    def song_scores(self) -> np.ndarray:
        """(T,) mean over windows of the per-window probabilities."""
        return self.scores.mean(axis=0)

    def top(self, k: int = 10) -> list[tuple[str, float]]:
        """The k tags with the highest song-level score, best first."""
        song = self.song_scores
        order = np.argsort(-song, kind="stable")[:k]
        return [(self.tags[i], float(song[i])) for i in order]

    def chunk_scores(self, bounds: list[tuple[float, float]]) -> np.ndarray:
        """(C, T) mean scores of the windows overlapping each chunk [start, end) seconds.

        A chunk no window overlaps (possible when a model drops a tail shorter than its window)
        takes the window whose centre is nearest, so every chunk gets scores.
        """
        centres = (self.starts + self.ends) / 2
        rows = []
        for start, end in bounds:
            overlapping = (self.starts < end) & (self.ends > start)
            if not overlapping.any():
                overlapping = np.arange(len(centres)) == np.abs(centres - (start + end) / 2).argmin()
            rows.append(self.scores[overlapping].mean(axis=0))
        return np.stack(rows) if rows else np.zeros((0, len(self.tags)), np.float32)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"model", "tags": [{"tag", "score"}] best first,
        "windows": [{"start", "end", "scores": {tag: probability}}]}."""
        return {
            "model": self.model,
            "tags": [{"tag": tag, "score": round(score, 5)} for tag, score in self.top(len(self.tags))],
            "windows": [
                {
                    "start": round(float(start), 3),
                    "end": round(float(end), 3),
                    "scores": {tag: round(float(p), 5) for tag, p in zip(self.tags, row, strict=True)},
                }
                for start, end, row in zip(self.starts, self.ends, self.scores, strict=True)
            ],
        }


def window_starts(n_frames: int, window: int, hop: int, align_end: bool) -> list[int]:
    """First frame of each window: 0, hop, 2 hop, ... while the window fits; with `align_end`, one more
    window ending on the last frame when the regular ones leave a tail (needs n_frames >= window)."""
    starts = list(range(0, n_frames - window + 1, hop))
    if align_end and starts[-1] + window < n_frames:
        starts.append(n_frames - window)
    return starts
