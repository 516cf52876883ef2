"""musicnn (Pons & Serra 2019), MTT and MSD models: 50 tags per 3 s patch of a 16 kHz log-mel.

A PyTorch port of musicnn 0.1.0 (ISC). Every conv block is conv -> ReLU -> BatchNorm (eps 1e-3).
Front end: two "timbral" convs (7 frames x 38 / 67 mel bins) and three "temporal" convs (128 / 64 / 32
frames x 1 bin), each max-pooled over frequency; mid end: three residual 1-D convs over time; back end:
max and mean over time (interleaved), dense 200, dense 50, sigmoid.

Speed: BN(ReLU(c)) = s * relu(c) + b is monotonic in c (increasing when s >= 0, decreasing when s < 0),
so its maximum over frequency is reached where c is largest (s >= 0) or smallest (s < 0). The port
negates the conv filters of the s < 0 channels, takes one max over frequency of the raw conv output,
then applies ReLU and BN to the pooled (N, C, T) values only: exact, and 59x / 96x less elementwise work.
"""

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file
from torch import nn

from lpmc.tagging.frontend import MelFrontEnd
from lpmc.tagging.tagger import Tagger

FRONT_END = MelFrontEnd(sample_rate=16_000, resample_method="kaiser_best", fmax=8000.0)
PATCH_FRAMES = 187  # 3 s: floor((48000 - 256) / 256) + 1
HOP_FRAMES = 187  # musicnn's default: consecutive patches, the tail that does not fill one is dropped
# Patches per pass: the 7 x 38 conv's output is 9 MB per patch, and glibc serves blocks over 32 MB with fresh
# pages that fault in on every pass (batches of 16 spent as much CPU time in the kernel as in the convs,
# bench/tagging.py); batches of 2 stay under it and reuse freed memory.
BATCH_SIZE = 2
BN_EPS = 1e-3
LOG_GAIN = 10_000.0  # log10(10000 * power + 1)
TIMBRAL = ("conv2d", "conv2d_1")  # kernels 7 x 38 and 7 x 67 (time x mel), time padding 3 + 3
TEMPORAL = ("conv2d_2", "conv2d_3", "conv2d_4")  # kernels 128 / 64 / 32 x 1, TF 'same' padding in time
MID = ("conv2d_5", "conv2d_6", "conv2d_7")
MAX_PAD_BEFORE = 63  # the longest temporal kernel (128) pads 63 zeros before, 64 after


def _bn(weights: dict[str, np.ndarray], index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(scale, shift) of TF batch_normalization_<index> (index 0 is the unsuffixed input BN)."""
    layer = "batch_normalization" + (f"_{index}" if index else "")
    scale = weights[f"{layer}/gamma"] / np.sqrt(weights[f"{layer}/moving_variance"] + BN_EPS)
    shift = weights[f"{layer}/beta"] - weights[f"{layer}/moving_mean"] * scale
    return torch.from_numpy(scale), torch.from_numpy(shift)


class FrontEnd(nn.Module):
    """The five branches: conv -> ReLU -> BN -> max over frequency each, (N, 1, T, 96) -> (N, 561, T)."""

    def __init__(self, weights: dict[str, np.ndarray]):
        super().__init__()
        self.convs = nn.ModuleList()
        signs, scales, shifts = [], [], []
        for i, name in enumerate(TIMBRAL + TEMPORAL):
            kernel, bias = weights[f"{name}/kernel"], weights[f"{name}/bias"]
            scale, shift = _bn(weights, i + 1)
            sign = torch.where(scale < 0, -1.0, 1.0)
            # TF layout (time, mel, in, out) -> (out, in, time, mel); negated where the BN scale is negative
            conv = nn.Conv2d(1, kernel.shape[3], kernel.shape[:2])
            conv.weight.data = (
                torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()) * sign[:, None, None, None]
            )
            conv.bias.data = torch.from_numpy(bias) * sign
            self.convs.append(conv)
            signs.append(sign)
            scales.append(scale)
            shifts.append(shift)
        self.register_buffer("sign", torch.cat(signs)[:, None])
        self.register_buffer("scale", torch.cat(scales)[:, None])
        self.register_buffer("shift", torch.cat(shifts)[:, None])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        frames = x.shape[2]
        x = F.pad(x, (0, 0, MAX_PAD_BEFORE, MAX_PAD_BEFORE + 1))  # zeros in normalised units
        extremes = []
        for conv in self.convs:
            taps = conv.kernel_size[0]
            before = MAX_PAD_BEFORE - (taps - 1) // 2  # TF 'same': (k - 1) // 2 zeros before, k // 2 after
            extremes.append(conv(x[:, :, before : before + frames + taps - 1]).amax(dim=3))
        # the max (BN scale >= 0) or the min (scale < 0) over frequency, then ReLU and BN on (N, 561, T)
        return torch.addcmul(self.shift, torch.relu(torch.cat(extremes, dim=1) * self.sign), self.scale)


class ConvReluBn1d(nn.Module):
    """Mid-end block: Conv1d(k=7, 'same') -> ReLU -> BN over (N, C, T)."""

    def __init__(self, kernel: np.ndarray, bias: np.ndarray, bn: tuple[torch.Tensor, torch.Tensor]):
        super().__init__()
        self.conv = nn.Conv1d(kernel.shape[2], kernel.shape[3], kernel.shape[0], padding=kernel.shape[0] // 2)
        self.conv.weight.data = torch.from_numpy(kernel[:, :, 0, :].transpose(2, 1, 0).copy())
        self.conv.bias.data = torch.from_numpy(bias)
        self.register_buffer("scale", bn[0][:, None])
        self.register_buffer("shift", bn[1][:, None])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.addcmul(self.shift, torch.relu(self.conv(x)), self.scale)


def _dense_after_bn(
    weights: dict[str, np.ndarray], layer: str, bn: tuple[torch.Tensor, torch.Tensor]
) -> nn.Linear:
    """Linear(BN(x)) as one Linear: W (scale * x + shift) + b = (W * scale) x + (W shift + b)."""
    kernel = torch.from_numpy(weights[f"{layer}/kernel"].T.copy())  # TF (in, out) -> (out, in)
    scale, shift = bn
    linear = nn.Linear(*kernel.shape[::-1])
    linear.weight.data = kernel * scale
    linear.bias.data = kernel @ shift + torch.from_numpy(weights[f"{layer}/bias"])
    return linear


class Musicnn(nn.Module):
    """(N, 1, T, 96) log-mel patches (time x mel) -> (N, 50) probabilities."""

    def __init__(self, weights: dict[str, np.ndarray]):
        super().__init__()
        self.input_scale, self.input_shift = (float(v) for v in _bn(weights, 0))
        self.front = FrontEnd(weights)
        self.mid = nn.ModuleList(
            ConvReluBn1d(weights[f"{name}/kernel"], weights[f"{name}/bias"], _bn(weights, i + 6))
            for i, name in enumerate(MID)
        )
        # BN9 (on the pooled vector) and BN10 (after the dense ReLU) are affine maps that feed a dense
        # layer directly: folded into that layer's weights.
        self.dense = _dense_after_bn(weights, "dense", _bn(weights, 9))
        self.logits = _dense_after_bn(weights, "dense_1", _bn(weights, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x * self.input_scale + self.input_shift  # the front end pads after this, with zeros
        front = self.front(x)  # (N, 561, T)
        m1 = self.mid[0](front)
        m2 = self.mid[1](m1) + m1
        m3 = self.mid[2](m2) + m2
        features = torch.cat([front, m1, m2, m3], dim=1)  # (N, 753, T)
        # TF stacks (max, mean) per feature and flattens: [max_0, mean_0, max_1, mean_1, ...]
        pooled = torch.stack([features.amax(dim=2), features.mean(dim=2)], dim=2).flatten(1)
        return torch.sigmoid(self.logits(torch.relu(self.dense(pooled))))


def log_compress(power: torch.Tensor) -> torch.Tensor:
    """musicnn's log-mel: log10(10000 * power + 1), in float32 (the original's float16 rounding of the
    power changes mean tags by < 1e-5 and overflows under NumPy 2, so it is left out)."""
    return torch.log10(LOG_GAIN * power + 1.0)


def _prepare(power: torch.Tensor) -> torch.Tensor:
    """(W, 96, 187) mel power -> (W, 1, 187, 96) log-mel, time first."""
    return log_compress(power).transpose(1, 2).unsqueeze(1)


def _load(files: dict[str, Path], name: str) -> Tagger:
    weights = load_file(str(files["weights"]))
    tags = json.loads(Path(files["tags"]).read_text())
    return Tagger(
        name, tags, Musicnn(weights), _prepare, FRONT_END, PATCH_FRAMES, HOP_FRAMES, False, BATCH_SIZE
    )


def load_musicnn_mtt(files: dict[str, Path]) -> Tagger:
    """Registry loader: files = {"weights": mtt.safetensors, "tags": mtt_tags.json}."""
    return _load(files, "musicnn-mtt")


def load_musicnn_msd(files: dict[str, Path]) -> Tagger:
    """Registry loader: files = {"weights": msd.safetensors, "tags": msd_tags.json}."""
    return _load(files, "musicnn-msd")
