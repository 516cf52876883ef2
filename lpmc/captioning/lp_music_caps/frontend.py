"""LP-MusicCaps audio front end: 10 s of 16 kHz audio -> log-mel -> conv stack -> (32, d_model) embeddings.

Mirrors upstream seungheondoh/lp-music-caps `model/modules.py` (MelEncoder, AudioEncoder), keeping its quirks
so the published weights see the inputs they were trained on:
- the "power" spectrogram is the squared REAL part of the STFT, not |X|^2;
- HTK mel scale without area normalisation, dB with amin 1e-10, ref 1 and no top_db;
- Whisper-style conv stack (conv1 then 5 stride-2 convs, exact-erf GELU) plus [sin | cos] positions.
Module and buffer names match the checkpoint keys (`audio_encoder.mel_encoder.spec_fn.window`, ...).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

# The model hears lpmc's own chunks (lpmc/audio.py): 10 s of mono audio at 16 kHz, 160000 samples.
from lpmc.audio import CHUNK_SAMPLES, SAMPLE_RATE

N_FFT = 1024
HOP_LENGTH = 160
N_MELS = 128
F_MIN = 0.0
F_MAX = 8000.0
AMIN = 1e-10  # power floor before log: -100 dB
N_STRIDE_CONVS = 5
N_CTX = (CHUNK_SAMPLES // HOP_LENGTH) // 2**N_STRIDE_CONVS + 1  # 32 audio tokens per chunk


def hz_to_mel(freq: float) -> float:
    """HTK mel scale."""
    return 2595.0 * math.log10(1.0 + freq / 700.0)


def mel_filterbank(
    n_freqs: int = N_FFT // 2 + 1, n_mels: int = N_MELS, sample_rate: int = SAMPLE_RATE
) -> torch.Tensor:
    """Triangular HTK filterbank (n_freqs, n_mels), no area normalisation (torchaudio's melscale_fbanks)."""
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    mel_points = torch.linspace(hz_to_mel(F_MIN), hz_to_mel(F_MAX), n_mels + 2)
    freq_points = 700.0 * (10.0 ** (mel_points / 2595.0) - 1.0)
    widths = freq_points[1:] - freq_points[:-1]
    slopes = freq_points.unsqueeze(0) - all_freqs.unsqueeze(1)
    rising = -slopes[:, :-2] / widths[:-1]
    falling = slopes[:, 2:] / widths[1:]
    return torch.clamp(torch.minimum(rising, falling), min=0.0)


def sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> torch.Tensor:
    """Whisper's sinusoidal positions (length, channels): all sines, then all cosines (not interleaved)."""
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length)[:, None] * inv_timescales[None, :]
    return torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)


class Spectrogram(nn.Module):
    """Squared real part of the centred, reflect-padded, periodic-Hann STFT: (B, T) -> (B, 513, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("window", torch.hann_window(N_FFT))

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(
            audio,
            N_FFT,
            hop_length=HOP_LENGTH,
            win_length=N_FFT,
            window=self.window,
            center=True,
            pad_mode="reflect",
            normalized=False,
            onesided=True,
            return_complex=True,
        )
        # Upstream squares only the real part (torchaudio power=None, then .real.abs().pow(2)); keep it.
        return spec.real.pow(2)


class MelScale(nn.Module):
    """Power spectrogram (B, 513, frames) -> mel power (B, n_mels, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("fb", mel_filterbank())

    def forward(self, power: torch.Tensor) -> torch.Tensor:
        return torch.matmul(power.transpose(-1, -2), self.fb).transpose(-1, -2)


class MelEncoder(nn.Module):
    """16 kHz audio (B, 160000) -> log-mel in dB (B, 128, 1001); raw dB, floor -100, no normalisation."""

    def __init__(self) -> None:
        super().__init__()
        self.spec_fn = Spectrogram()
        self.mel_scale = MelScale()

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        mel = self.mel_scale(self.spec_fn(audio))
        return 10.0 * torch.log10(torch.clamp(mel, min=AMIN))


class AudioEncoder(nn.Module):
    """16 kHz audio (B, 160000) -> embeddings (B, 32, dim): log-mel, conv stack, sinusoidal positions."""

    def __init__(self, dim: int = 768) -> None:
        super().__init__()
        self.mel_encoder = MelEncoder()
        self.conv1 = nn.Conv1d(N_MELS, dim, kernel_size=3, padding=1)
        self.conv_stack = nn.ModuleList(
            nn.Conv1d(dim, dim, kernel_size=3, stride=2, padding=1) for _ in range(N_STRIDE_CONVS)
        )
        self.register_buffer("positional_embedding", sinusoids(N_CTX, dim))

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        x = F.gelu(self.conv1(self.mel_encoder(audio)))
        for conv in self.conv_stack:
            x = F.gelu(conv(x))
        return x.permute(0, 2, 1) + self.positional_embedding
