"""A tagger = a network + how it hears audio; slides the network's fixed window over songs of any length.

`tag_many` runs several taggers on one song and shares the work they have in common: each sample
rate/resampler pair is computed once, and so is each mel spectrogram (the Choi and MTG-Jamendo models
hear the same 12 kHz mel; the two musicnn models the same 16 kHz one).
"""

from collections.abc import Callable, Sequence

import numpy as np
import torch

from lpmc import parallel
from lpmc.audio import resample
from lpmc.errors import AudioError
from lpmc.tagging.frontend import MelFrontEnd, mel_power
from lpmc.tagging.result import TagResult, window_starts

MIN_AUDIO_SECONDS = 1.0  # shorter clips are refused; clips shorter than a window are looped to fill it


class Tagger:
    """Tags audio with one network.

    prepare: (W, n_mels, window_frames) mel power -> the network's input batch.
    network: that batch -> (W, T) probabilities.
    """

    def __init__(
        self,
        name: str,
        tags: list[str],
        network: torch.nn.Module,
        prepare: Callable[[torch.Tensor], torch.Tensor],
        front_end: MelFrontEnd,
        window_frames: int,
        hop_frames: int,
        align_end: bool,
        batch_size: int,
    ):
        self.name = name
        self.tags = tags
        self.network = network.eval()
        self.prepare = prepare
        self.front_end = front_end
        self.window_frames = window_frames
        self.hop_frames = hop_frames
        self.align_end = align_end  # add a window ending on the song's last frame
        self.batch_size = batch_size  # windows per forward pass (bounds memory)

    @property
    def sample_rate(self) -> int:
        return self.front_end.sample_rate

    @property
    def window_seconds(self) -> float:
        return self.front_end.seconds(self.window_frames)

    def predict(self, windows: torch.Tensor) -> np.ndarray:
        """(W, n_mels, window_frames) mel power -> (W, T) float32 probabilities."""
        with torch.inference_mode():
            batches = [
                self.network(self.prepare(windows[i : i + self.batch_size]))
                for i in range(0, len(windows), self.batch_size)
            ]
        return torch.cat(batches).numpy()

    def tag(self, audio: np.ndarray, sr: int) -> TagResult:
        """Tag mono `audio` (n,) sampled at `sr` Hz over time. Best given at the file's own rate
        (`lpmc.audio.decode_audio`): audio already at the model's rate is used as it is."""
        return tag_many([self], audio, sr)[0]


def tag_many(taggers: Sequence[Tagger], audio: np.ndarray, sr: int) -> list[TagResult]:
    """Tag one song with every tagger, resampling and computing each shared mel spectrogram once."""
    if np.ndim(audio) != 1:
        raise AudioError(f"Expected mono audio of shape (n,); got shape {np.shape(audio)}.")
    duration = audio.size / sr
    if duration < MIN_AUDIO_SECONDS:
        raise AudioError(
            f"The audio is too short to tag ({duration:.2f} s; at least {MIN_AUDIO_SECONDS:g} s)."
        )
    resampled: dict[tuple[int, str], np.ndarray] = {}
    spectrograms: dict[tuple[MelFrontEnd, int], torch.Tensor] = {}
    jobs = []
    for tagger in taggers:
        front_end = tagger.front_end
        rate_key = (front_end.sample_rate, front_end.resample_method)
        if rate_key not in resampled:
            resampled[rate_key] = resample(audio, sr, *rate_key)
        samples = resampled[rate_key]
        # A clip shorter than the window is looped to fill it (closer to the full-window tags than zeros).
        min_samples = (tagger.window_frames - 1) * front_end.hop  # exactly one window's frames
        loop_to = min_samples if samples.size < min_samples else 0
        if (front_end, loop_to) not in spectrograms:
            heard = np.resize(samples, loop_to) if loop_to else samples
            spectrograms[front_end, loop_to] = mel_power(heard, front_end)
        power = spectrograms[front_end, loop_to]
        starts = window_starts(power.shape[1], tagger.window_frames, tagger.hop_frames, tagger.align_end)
        windows = torch.stack([power[:, s : s + tagger.window_frames] for s in starts])
        jobs.append((tagger, windows, np.array([front_end.seconds(s) for s in starts])))
    # The networks are independent: run them side by side when that is faster (lpmc/parallel.py).
    all_scores = parallel.map_single_threaded(lambda job: job[0].predict(job[1]), jobs)
    return [
        TagResult(
            tagger.name,
            tagger.tags,
            starts,
            np.minimum(starts + tagger.window_seconds, duration),
            scores,
            duration,
        )
        for (tagger, _, starts), scores in zip(jobs, all_scores, strict=True)
    ]
