"""Linear layers with their weights reordered once for oneDNN, for the decoder's one-token steps.

MKL's sgemm re-packs a Linear's weight on every call; at 30 rows per decoding step that made each projection
3-4x slower on a busy 2-core box. oneDNN takes the weight reordered once for a given row count.
"""

from collections.abc import Callable

import torch
from torch import nn

PACKING_ROWS = 30  # the rows oneDNN tunes reordered weights for: 6 chunks x 5 beams (15 rows time the same)

Linear = Callable[[torch.Tensor], torch.Tensor]


def pack_linear(linear: nn.Linear, rows: int = PACKING_ROWS) -> Linear:
    """x (rows, in) -> linear(x), with the weight reordered for oneDNN once; plain `linear` without oneDNN."""
    if not torch.backends.mkldnn.is_available() or not hasattr(torch.ops.mkldnn, "_reorder_linear_weight"):
        return linear
    packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), rows)
    bias = None if linear.bias is None else linear.bias.detach()
    return lambda x: torch.ops.mkldnn._linear_pointwise(x, packed, bias, "none", [], "")


class PackedLinears:
    """Packed versions of Linear layers, kept until a layer's weight is changed in place."""

    def __init__(self) -> None:
        self._packed: dict[nn.Linear, tuple[int, Linear]] = {}  # module -> (weight version, packed linear)

    def pack(self, linears: list[nn.Linear]) -> dict[nn.Linear, Linear]:
        """Each of `linears` packed: once, and again only if its weight was changed since."""
        for module in linears:
            if module not in self._packed or self._packed[module][0] != module.weight._version:
                self._packed[module] = (module.weight._version, pack_linear(module))
        return {module: self._packed[module][1] for module in linears}
