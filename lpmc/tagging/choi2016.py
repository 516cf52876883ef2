"""Choi, Fazekas, Sandler (2016) MusicTaggerCNN and MusicTaggerCRNN: 50 Last.fm tags from a 29.12 s log-mel.

A PyTorch port of the Keras 1 models in keunwoochoi/music-auto_tagging-keras (MIT), reading the
shipped weight files the way Keras 1.0.6 trained them:
- every BatchNorm stores a standard deviation plus eps: y = gamma * (x - mean) / (std + 1e-6) + beta;
- the input BatchNorm ("bn_0_freq") holds one parameter set per time frame, not per mel bin;
- the GRU is Keras 1's: hard sigmoid gates, reset applied before the recurrent product, no recurrent bias;
- the weights expect each 29.12 s melgram standardised (zero mean, unit variance over the clip).
"""

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

from lpmc.tagging.frontend import MelFrontEnd
from lpmc.tagging.tagger import Tagger

FRONT_END = MelFrontEnd(sample_rate=12_000, resample_method="soxr_hq", fmax=6000.0, pad_to_hop=True)
WINDOW_FRAMES = 1366  # 1 + 349440 // 256: int(29.12 s * 12 kHz) samples
HOP_FRAMES = 1366  # no overlap; one more window is aligned to the end of the song
# One window per pass: a window's activations stay under glibc's 32 MB mmap threshold, so freed memory is
# reused; larger batches are served fresh pages that fault in on every pass (+40-80% CPU, bench/tagging.py).
BATCH_SIZE = 1
TOP_DB = 80.0
AMIN = 1e-10  # floor of the (double-squared) mel power before the log
STD_EPS = 1e-6  # Keras 1.0.6 BatchNorm: divide by running_std + eps
MIN_STD = 1e-6  # dB; standardising divides by at least this

CNN_CHANNELS = (32, 128, 128, 192, 256)
CNN_POOLS = ((2, 4), (2, 4), (2, 4), (3, 5), (4, 4))
CRNN_CHANNELS = (64, 128, 128, 128)
CRNN_POOLS = ((2, 2), (3, 3), (4, 4), (4, 4))
CRNN_TIME_PADDING = 37  # zero frames on each side: 1366 -> 1440
GRU_UNITS = 32


def batchnorm_affine(weights: dict[str, torch.Tensor], layer: str) -> tuple[torch.Tensor, ...]:
    """(scale, shift) such that BN(x) = scale * x + shift, as Keras 1.0.6 (how the weights were trained)."""
    gamma, beta = weights[f"{layer}.gamma"], weights[f"{layer}.beta"]
    mean, std = weights[f"{layer}.running_mean"], weights[f"{layer}.running_std"]
    scale = gamma / (std + STD_EPS)
    return scale, beta - mean * scale


def conv_bn(weights: dict[str, torch.Tensor], index: int) -> nn.Conv2d:
    """3x3 'same' conv with the following BatchNorm folded into its weights and bias."""
    kernel, bias = weights[f"conv{index}.W"], weights[f"conv{index}.b"]
    scale, shift = batchnorm_affine(weights, f"bn{index}")
    conv = nn.Conv2d(kernel.shape[1], kernel.shape[0], 3, padding=1)
    conv.weight.data = kernel * scale[:, None, None, None]
    conv.bias.data = bias * scale + shift
    return conv


class ConvStack(nn.Module):
    """Input BatchNorm per time frame, then (conv + BN, ELU, max-pool) blocks;
    (N, 1, 96, T) -> (N, C, H, W)."""

    def __init__(self, weights: dict[str, torch.Tensor], pools: tuple):
        super().__init__()
        scale, shift = batchnorm_affine(weights, "bn_0_freq")
        self.register_buffer("input_scale", scale)
        self.register_buffer("input_shift", shift)
        self.convs = nn.ModuleList(conv_bn(weights, i + 1) for i in range(len(pools)))
        self.pools = pools

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x * self.input_scale + self.input_shift
        for conv, pool in zip(self.convs, self.pools, strict=True):
            x = F.max_pool2d(F.elu(conv(x)), pool)
        return x


def _linear(weights: dict[str, torch.Tensor], layer: str) -> nn.Linear:
    kernel = weights[f"{layer}.W"]  # stored (in, out)
    linear = nn.Linear(*kernel.shape)
    linear.weight.data = kernel.T.contiguous()
    linear.bias.data = weights[f"{layer}.b"]
    return linear


class MusicTaggerCNN(nn.Module):
    """(N, 1, 96, 1366) standardised log-mel -> (N, 50) probabilities."""

    def __init__(self, weights: dict[str, torch.Tensor]):
        super().__init__()
        self.features = ConvStack(weights, CNN_POOLS)
        self.output = _linear(weights, "output")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.output(self.features(x).flatten(1)))


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Keras 1's piecewise-linear sigmoid: clip(0.2 x + 0.5, 0, 1)."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


class KerasGRU(nn.Module):
    """Keras 1 GRU: z, r = hard_sigmoid(x W + b + h U); h~ = tanh(x W_h + b_h + (r * h) U_h)."""

    def __init__(self, weights: dict[str, torch.Tensor], layer: str):
        super().__init__()
        w = {gate: weights[f"{layer}.W_{gate}"] for gate in "zrh"}
        u = {gate: weights[f"{layer}.U_{gate}"] for gate in "zrh"}
        self.register_buffer("input_kernel", torch.cat([w["z"], w["r"], w["h"]], dim=1))
        self.register_buffer("bias", torch.cat([weights[f"{layer}.b_{gate}"] for gate in "zrh"]))
        self.register_buffer("gate_kernel", torch.cat([u["z"], u["r"]], dim=1))
        self.register_buffer("candidate_kernel", u["h"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, steps, in) -> (N, steps, units): the state after every step."""
        inputs = (x @ self.input_kernel + self.bias).split(GRU_UNITS, dim=2)
        h = x.new_zeros(x.shape[0], GRU_UNITS)
        states = []
        for step in range(x.shape[1]):
            gate_inputs = torch.cat([inputs[0][:, step], inputs[1][:, step]], dim=1)
            z, r = hard_sigmoid(gate_inputs + h @ self.gate_kernel).split(GRU_UNITS, dim=1)
            candidate = torch.tanh(inputs[2][:, step] + (r * h) @ self.candidate_kernel)
            h = z * h + (1 - z) * candidate
            states.append(h)
        return torch.stack(states, dim=1)


class MusicTaggerCRNN(nn.Module):
    """(N, 1, 96, 1366) standardised log-mel -> (N, 50) probabilities."""

    def __init__(self, weights: dict[str, torch.Tensor]):
        super().__init__()
        self.features = ConvStack(weights, CRNN_POOLS)
        self.gru1 = KerasGRU(weights, "gru1")
        self.gru2 = KerasGRU(weights, "gru2")
        self.output = _linear(weights, "output")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, (CRNN_TIME_PADDING, CRNN_TIME_PADDING))
        sequence = self.features(x).squeeze(2).transpose(1, 2)  # (N, 15 steps, 128)
        last = self.gru2(self.gru1(sequence))[:, -1]
        return torch.sigmoid(self.output(last))


def melgram_db(power: torch.Tensor) -> torch.Tensor:
    """The original input from mel power (..., 96, frames): 20 log10(power) (the 2016 code squared the
    power again before its dB conversion), floored 80 dB under each window's maximum."""
    db = 10.0 * torch.log10(torch.clamp(power.square(), min=AMIN))
    floor = db.amax(dim=(-2, -1), keepdim=True) - TOP_DB
    return torch.maximum(db, floor)


def standardise(melgram: torch.Tensor) -> torch.Tensor:
    """(N, 1, 96, frames) -> zero mean, unit (population) variance per clip, as the weights expect."""
    mean = melgram.mean(dim=(1, 2, 3), keepdim=True)
    std = melgram.std(dim=(1, 2, 3), keepdim=True, correction=0)
    return (melgram - mean) / torch.clamp(std, min=MIN_STD)  # a constant clip (silence) becomes zeros


class ChoiTagger(Tagger):
    """A Choi 2016 model as a Tagger, plus `predict_melgram` for the original (N, 96, 1366) dB input."""

    def predict_melgram(self, x: np.ndarray | torch.Tensor) -> np.ndarray:
        """Original dB melgrams (N, 96, 1366) or (N, 1, 96, 1366) -> (N, 50) probabilities."""
        melgram = torch.as_tensor(np.asarray(x), dtype=torch.float32)
        melgram = melgram.reshape(-1, 1, *melgram.shape[-2:])
        with torch.inference_mode():
            return self.network(standardise(melgram)).numpy()


def _prepare(power: torch.Tensor) -> torch.Tensor:
    return standardise(melgram_db(power).unsqueeze(1))


def _load(files: dict[str, Path], kind: str) -> ChoiTagger:
    weights = load_file(str(files["weights"]))
    network = MusicTaggerCNN(weights) if kind == "cnn" else MusicTaggerCRNN(weights)
    tags = json.loads(Path(files["tags"]).read_text())
    return ChoiTagger(
        f"choi2016-{kind}",
        tags,
        network,
        _prepare,
        FRONT_END,
        WINDOW_FRAMES,
        HOP_FRAMES,
        True,
        BATCH_SIZE,
    )


def load_choi2016_cnn(files: dict[str, Path]) -> ChoiTagger:
    """Registry loader: files = {"weights": cnn.safetensors, "tags": tags.json}."""
    return _load(files, "cnn")


def load_choi2016_crnn(files: dict[str, Path]) -> ChoiTagger:
    """Registry loader: files = {"weights": crnn.safetensors, "tags": tags.json}."""
    return _load(files, "crnn")
