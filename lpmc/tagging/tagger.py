"""A tagger = a network + how it hears audio; slides the network's fixed window over songs of any length.

`tag_many` runs several taggers on one song and shares the work they have in common: each sample
rate/resampler pair is computed once, and so is each mel spectrogram (the Choi and MTG-Jamendo models
hear the same 12 kHz mel; the two musicnn models the same 16 kHz one). `SongTagging` is the same work
done in time order, block by block, for callers that use a song's beginning before its end is tagged.
"""

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from lpmc import parallel
from lpmc.audio import resample
from lpmc.errors import AudioError
from lpmc.tagging.frontend import MelFrontEnd, mel_power
from lpmc.tagging.result import TagResult, window_starts

MIN_AUDIO_SECONDS = 1.0  # shorter clips are refused; clips shorter than a window are looped to fill it
# Song seconds whose windows SongTagging predicts together: batches big enough for the networks to run
# efficiently, small enough that the first chunk captions of a long song come within a second or two.
BLOCK_SECONDS = 30.0


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
    return SongTagging(taggers, audio, sr).results_until(math.inf)


class SongTagging:
    """Several taggers over one song, their windows predicted in time order and only when asked for, so the
    tags of a song's beginning are known before its end has been through the networks.

    Resampling and mel spectrograms (cheap next to the networks) are computed for the whole song at once,
    each sample rate and each shared spectrogram once. Windows are predicted in blocks of BLOCK_SECONDS of
    song whatever the caller asks for, so the results (and the batches the networks see) depend on the song
    alone. A tagger that only implements `lpmc.tasks.Tagger` (no sliding window here) tags the whole song at
    the first request.
    """

    def __init__(self, taggers: Sequence[Tagger], audio: np.ndarray, sr: int) -> None:
        if np.ndim(audio) != 1:
            raise AudioError(f"Expected mono audio of shape (n,); got shape {np.shape(audio)}.")
        self.duration = audio.size / sr
        if self.duration < MIN_AUDIO_SECONDS:
            raise AudioError(
                f"The audio is too short to tag ({self.duration:.2f} s; at least {MIN_AUDIO_SECONDS:g} s)."
            )
        self._audio, self._sr = audio, sr
        self._taggers = list(taggers)
        self._windows: dict[str, tuple[torch.Tensor, np.ndarray]] = {}  # name -> (windows, start seconds)
        self._scores: dict[str, list[np.ndarray]] = {tagger.name: [] for tagger in self._taggers}
        self._whole: dict[str, TagResult] = {}  # taggers without windows here: their one result
        self._predicted: dict[str, int] = {tagger.name: 0 for tagger in self._taggers}
        self._prepare_windows()

    def _prepare_windows(self) -> None:
        resampled: dict[tuple[int, str], np.ndarray] = {}
        spectrograms: dict[tuple[MelFrontEnd, int], torch.Tensor] = {}
        for tagger in self._taggers:
            if not isinstance(tagger, Tagger):
                continue
            front_end = tagger.front_end
            rate_key = (front_end.sample_rate, front_end.resample_method)
            if rate_key not in resampled:
                resampled[rate_key] = resample(self._audio, self._sr, *rate_key)
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
            self._windows[tagger.name] = (windows, np.array([front_end.seconds(s) for s in starts]))

    def results_until(self, seconds: float) -> list[TagResult]:
        """Each tagger's TagResult over the windows predicted so far, in the order the taggers were given:
        every window starting before `seconds` (rounded up to a whole block; math.inf: the whole song) and
        those an earlier call asked for."""
        until = math.inf if seconds >= self.duration else math.ceil(seconds / BLOCK_SECONDS) * BLOCK_SECONDS
        jobs = []
        for tagger in self._taggers:
            if tagger.name not in self._windows:
                continue
            windows, starts = self._windows[tagger.name]
            end = int(np.searchsorted(starts, until, side="left"))
            # One job per batch, so the workers share the work evenly whatever each network costs (a job
            # per tagger left one worker idle while the other finished musicnn); the batches are the same.
            for start in range(self._predicted[tagger.name], end, tagger.batch_size):
                jobs.append((tagger, windows[start : min(start + tagger.batch_size, end)]))
            self._predicted[tagger.name] = max(end, self._predicted[tagger.name])
        # Longest first (seconds of song heard), so the workers finish together: a 29 s Jamendo window left
        # last kept one worker waiting (-5% per song). The sort is stable and a tagger's only shorter batch is
        # its last, so each tagger's batches keep their order.
        jobs.sort(key=lambda job: job[0].window_seconds * len(job[1]), reverse=True)
        # Windows are independent: run them side by side when that is faster (lpmc/parallel.py).
        for (tagger, _), scores in zip(jobs, parallel.map_single_threaded(self._predict, jobs), strict=True):
            self._scores[tagger.name].append(scores)
        for tagger in self._taggers:
            if tagger.name not in self._windows and tagger.name not in self._whole:
                self._whole[tagger.name] = tagger.tag(self._audio, self._sr)
        return [self._result(tagger) for tagger in self._taggers]

    @staticmethod
    def _predict(job: tuple[Tagger, torch.Tensor]) -> np.ndarray:
        tagger, windows = job
        return tagger.predict(windows)

    def _result(self, tagger: Tagger) -> TagResult:
        if tagger.name in self._whole:
            return self._whole[tagger.name]
        count = self._predicted[tagger.name]
        starts = self._windows[tagger.name][1][:count]
        scores = self._scores[tagger.name]
        return TagResult(
            tagger.name,
            tagger.tags,
            starts,
            np.minimum(starts + tagger.window_seconds, self.duration),
            np.concatenate(scores) if scores else np.zeros((0, len(tagger.tags)), np.float32),
            self.duration,
        )
