"""Mel spectrogram front ends, computed once per song and shared by the taggers that see audio alike.

Slaney mel scale with Slaney area normalisation (librosa's default `librosa.filters.mel`), a periodic
Hann window and centred frames (frame k is centred on sample k * hop, zeros outside the signal).
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

MEL_BREAK_HZ = 1000.0  # the Slaney scale is linear below, logarithmic above
MEL_LINEAR_STEP_HZ = 200.0 / 3
MEL_LOG_STEP = math.log(6.4) / 27.0


@dataclass(frozen=True)
class MelFrontEnd:
    """How a model hears audio: sample rate, resampler, STFT and mel settings."""

    sample_rate: int
    resample_method: str  # see lpmc.audio.resample
    n_fft: int = 512
    hop: int = 256
    n_mels: int = 96
    fmax: float = 6000.0
    # Zero-pad the signal to a whole number of hops first, so a window of n samples has
    # ceil((n + hop) / hop) frames (MTG-Jamendo's framing) instead of 1 + n // hop (librosa's).
    pad_to_hop: bool = False

    def seconds(self, frames: int) -> float:
        return frames * self.hop / self.sample_rate


def hz_to_mel(hz: np.ndarray) -> np.ndarray:
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / MEL_LINEAR_STEP_HZ
    log = MEL_BREAK_HZ / MEL_LINEAR_STEP_HZ + np.log(np.maximum(hz, 1e-12) / MEL_BREAK_HZ) / MEL_LOG_STEP
    return np.where(hz >= MEL_BREAK_HZ, log, linear)


def mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    break_mel = MEL_BREAK_HZ / MEL_LINEAR_STEP_HZ
    return np.where(
        mel >= break_mel, MEL_BREAK_HZ * np.exp(MEL_LOG_STEP * (mel - break_mel)), mel * MEL_LINEAR_STEP_HZ
    )


@lru_cache(maxsize=8)
def mel_filterbank(sample_rate: int, n_fft: int, n_mels: int, fmax: float) -> np.ndarray:
    """(n_mels, 1 + n_fft // 2) float32 triangles from 0 Hz to fmax, each divided by its width in Hz / 2."""
    fft_hz = np.linspace(0, sample_rate / 2, 1 + n_fft // 2)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(fmax), n_mels + 2))
    rising = (fft_hz[None, :] - edges[:-2, None]) / np.diff(edges)[:-1, None]
    falling = (edges[2:, None] - fft_hz[None, :]) / np.diff(edges)[1:, None]
    triangles = np.maximum(0.0, np.minimum(rising, falling))
    return (triangles * (2.0 / (edges[2:] - edges[:-2]))[:, None]).astype(np.float32)


def mel_power(audio: np.ndarray, front_end: MelFrontEnd) -> torch.Tensor:
    """Mel power spectrogram of mono `audio` (n,) at the front end's rate: (n_mels, frames) float32."""
    signal = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
    if front_end.pad_to_hop:
        signal = torch.nn.functional.pad(signal, (0, -signal.numel() % front_end.hop))
    spectrum = torch.stft(
        signal,
        n_fft=front_end.n_fft,
        hop_length=front_end.hop,
        window=torch.hann_window(front_end.n_fft, periodic=True),
        center=True,
        pad_mode="constant",
        return_complex=True,
    )
    power = spectrum.real.square() + spectrum.imag.square()
    filters = torch.from_numpy(
        mel_filterbank(front_end.sample_rate, front_end.n_fft, front_end.n_mels, front_end.fmax)
    )
    return filters @ power
