"""MTG-Jamendo mood/theme baseline CNN (Bogdanov et al. 2019): 56 mood/theme tags from a 29.1 s log-mel.

The upstream PyTorch module (MTG/mtg-jamendo-dataset, scripts/baseline), loaded from its state_dict.
Input: 10 log10(mel power) at 12 kHz, no other normalisation (the first BatchNorm does it).
Outputs are small independent sigmoids (the top tag usually scores 0.1 to 0.45): rank them, do not
threshold them.
"""

import json
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from lpmc.tagging import choi2016
from lpmc.tagging.tagger import Tagger

FRONT_END = choi2016.FRONT_END  # the same 12 kHz mel: computed once when both run on a song
WINDOW_FRAMES = 1366  # ceil((349200 + 256) / 256): a 29.1 s crop with MTG-Jamendo's framing
HOP_FRAMES = 1366  # no overlap; one more window is aligned to the end of the song
BATCH_SIZE = 1  # windows per pass: block 1 makes 34 MB of activations per window (see forward)
AMIN = 1e-10
CHANNELS = (64, 128, 128, 128, 64)
POOLS = ((2, 4), (2, 4), (2, 4), (3, 5), (4, 4))
N_TAGS = 56


class MoodThemeCNN(nn.Module):
    """(N, 96, 1366) log-mel -> (N, 56) probabilities. Parameter names match the upstream state_dict."""

    def __init__(self):
        super().__init__()
        self.bn_init = nn.BatchNorm2d(1)
        inputs = (1, *CHANNELS[:-1])
        for i, (c_in, c_out) in enumerate(zip(inputs, CHANNELS, strict=True), start=1):
            setattr(self, f"conv_{i}", nn.Conv2d(c_in, c_out, 3, padding=1))
            setattr(self, f"bn_{i}", nn.BatchNorm2d(c_out))
        self.dense = nn.Linear(CHANNELS[-1], N_TAGS)

    def fuse_batchnorms(self) -> "MoodThemeCNN":
        """Fold each eval-mode BatchNorm into the conv before it (same outputs, one pass less per block)."""
        for i in range(1, len(CHANNELS) + 1):
            fused = fuse_conv_bn_eval(getattr(self, f"conv_{i}"), getattr(self, f"bn_{i}"))
            setattr(self, f"conv_{i}", fused)
            setattr(self, f"bn_{i}", nn.Identity())
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn_init(x.unsqueeze(1))
        x = self._first_block_in_halves(x)
        for i, pool in enumerate(POOLS[1:], start=2):
            x = F.max_pool2d(self._activations(i, x), pool)
        return torch.sigmoid(self.dense(x.flatten(1)))

    def _activations(self, i: int, x: torch.Tensor) -> torch.Tensor:
        return F.elu(getattr(self, f"bn_{i}")(getattr(self, f"conv_{i}")(x)))

    def _first_block_in_halves(self, x: torch.Tensor) -> torch.Tensor:
        """Block 1 over each half of time. Its activations are 34 MB per window, and glibc serves blocks
        over 32 MB with fresh pages that fault in on every pass (40% of the model's CPU time); halves stay
        under it. The same sums (scores move by < 1e-7): each half takes one frame beyond the cut for the
        3 x 3 conv and drops the frame computed from padding there; the cut is a multiple of the time pool."""
        pool = POOLS[0]
        cut = x.shape[-1] // 2 // pool[1] * pool[1]
        before = self._activations(1, x[..., : cut + 1])[..., :cut]
        after = self._activations(1, x[..., cut - 1 :])[..., 1:]
        return torch.cat([F.max_pool2d(before, pool), F.max_pool2d(after, pool)], dim=-1)


def log_mel(power: torch.Tensor) -> torch.Tensor:
    """(..., 96, frames) mel power -> 10 log10(power) with a 1e-10 floor (no reference, no top-dB)."""
    return 10.0 * torch.log10(torch.clamp(power, min=AMIN))


def load_jamendo_moodtheme(files: dict[str, Path]) -> Tagger:
    """Registry loader: files = {"weights": moodtheme.safetensors, "tags": tags.json}."""
    network = MoodThemeCNN()
    missing, unexpected = network.load_state_dict(load_file(str(files["weights"])), strict=False)
    if unexpected or any(not name.endswith("num_batches_tracked") for name in missing):
        raise ValueError(f"{files['weights']} does not match MoodThemeCNN: {missing + unexpected}")
    network.eval().fuse_batchnorms()
    tags = json.loads(Path(files["tags"]).read_text())
    return Tagger(
        "jamendo-moodtheme", tags, network, log_mel, FRONT_END, WINDOW_FRAMES, HOP_FRAMES, True, BATCH_SIZE
    )
