"""LP-MusicCaps as lpmc's audio captioner (lpmc.tasks.AudioCaptioner): a song's 10 s chunks -> captions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import torch
from transformers import BartTokenizer

from lpmc import settings
from lpmc.audio import CHUNK_SAMPLES, SAMPLE_RATE
from lpmc.captioning.lp_music_caps.model import LpMusicCaps
from lpmc.captioning.lp_music_caps.search import MAX_LENGTH, NUM_BEAMS
from lpmc.errors import AudioError

if TYPE_CHECKING:
    from lpmc.captioning.analysis import SongAnalysis


def padded_chunk(audio: np.ndarray, start_seconds: float) -> np.ndarray:
    """(160000,) the 10 s of 16 kHz `audio` (n,) from `start_seconds`, zero-padded past the song's end."""
    start = int(round(start_seconds * SAMPLE_RATE))
    chunk = audio[start : start + CHUNK_SAMPLES]
    return np.pad(chunk, (0, CHUNK_SAMPLES - chunk.size))


class LpMusicCapsCaptioner:
    """LP-MusicCaps with its tokenizer: 10 s chunks of a song -> one caption each."""

    def __init__(self, model: LpMusicCaps, tokenizer: BartTokenizer) -> None:
        self.model = model
        self.tokenizer = tokenizer

    def caption_chunks(
        self, audio: np.ndarray, analysis: SongAnalysis, batch_size: int
    ) -> Iterator[list[str]]:
        """Captions of the chunks of `audio` ((n,) float32 mono at 16 kHz), in order, in groups of at most
        `batch_size`. Chunk i is the 10 s from analysis.chunk(i).start (seconds), zero-padded past the end
        of the song: the model takes exactly 10 s, so a shorter tail is padded rather than dropped."""
        if np.ndim(audio) != 1:
            raise AudioError(f"LP-MusicCaps needs mono audio of shape (n,); got shape {np.shape(audio)}.")
        chunks = analysis.iter_chunks()  # analysed as read: the song's end is tagged between batches
        while batch := list(itertools.islice(chunks, max(1, batch_size))):
            yield self.caption(np.stack([padded_chunk(audio, chunk.start) for chunk in batch]))

    def caption(
        self, chunks: np.ndarray | torch.Tensor, num_beams: int = NUM_BEAMS, max_length: int = MAX_LENGTH
    ) -> list[str]:
        """One caption per 10 s chunk of 16 kHz audio (N, 160000), searched `settings.caption_batch_size()`
        chunks at a time (the decoder's caches grow with the chunks searched together)."""
        chunks = torch.as_tensor(chunks, dtype=torch.float32)
        if chunks.ndim != 2 or chunks.shape[1] != CHUNK_SAMPLES:
            raise AudioError(
                f"LP-MusicCaps needs 10 s chunks of 16 kHz audio, shape (N, {CHUNK_SAMPLES}); "
                f"got shape {tuple(chunks.shape)}."
            )
        if not torch.isfinite(chunks).all():
            raise AudioError("The audio contains NaN or infinite samples; it cannot be captioned.")
        batch_size = max(1, settings.caption_batch_size())
        captions = []
        for start in range(0, len(chunks), batch_size):
            ids = self.model.generate_ids(chunks[start : start + batch_size], num_beams, max_length)
            texts = self.tokenizer.batch_decode(
                ids, skip_special_tokens=True, clean_up_tokenization_spaces=True
            )
            captions += [text.strip() for text in texts]
        return captions
