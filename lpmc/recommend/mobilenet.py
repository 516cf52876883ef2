"""ImageNet classifiers through onnxruntime: MobileNetV2 (int8, built in) and EfficientNet-Lite0.

Preprocessing follows assets/mobilenet_v2/NOTICE: RGB, centre crop to a square, bilinear resize to
224x224, value = (pixel - 128) / 128, NCHW float32. Output index 0 is "background"; 1..1000 are the
ImageNet classes in imagenet_labels.txt order.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from lpmc import settings
from lpmc.recommend.image import Photo
from lpmc.recommend.reading import PhotoReading
from lpmc.recommend.scenes import label_words

INPUT_SIDE = 224
PIXEL_CENTRE = 128.0
BACKGROUND_INDEX = 0
LABEL_COUNT = 5
LABEL_MIN_PROBABILITY = 0.05  # less probable ImageNet classes are too often wrong to show
CONFIDENT_PROBABILITY = 0.25  # only classes at least this probable give the photo words


class ImageNetClassifier:
    """Wraps an ImageNet classifier's onnxruntime session and its label list (one per output); only
    computes. `background_index`: an output that is no class (MobileNetV2's 0), or None."""

    def __init__(self, onnx_path: Path, labels: list[str], background_index: int | None = BACKGROUND_INDEX):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = settings.torch_threads()  # 0: onnxruntime's default
        self.session = onnxruntime.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.input_name = self.session.get_inputs()[0].name
        self.labels = labels
        self.background_index = background_index

    def probabilities(self, rgb: np.ndarray) -> np.ndarray:
        """RGB photo (H, W, 3) uint8 -> class probabilities (len(labels),)."""
        batch = preprocess(rgb)[None]
        return self.session.run(None, {self.input_name: batch})[0][0].astype(np.float32)

    def top(self, rgb: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
        """The k most probable ImageNet classes as (label, probability), background excluded."""
        probabilities = self.probabilities(rgb)
        if self.background_index is not None:
            probabilities[self.background_index] = 0.0
        order = np.argsort(-probabilities)[:k]
        return [(self.labels[i], float(probabilities[i])) for i in order]

    def read(self, photo: Photo) -> PhotoReading:
        """The image-understanding protocol: the likely ImageNet classes, and the words the confident ones
        imply (a wrong guess at 0.1 - "cucumber" for rain drops - would steer the music)."""
        labels = [(label, p) for label, p in self.top(photo.rgb, LABEL_COUNT) if p >= LABEL_MIN_PROBABILITY]
        confident = [(label, p) for label, p in labels if p >= CONFIDENT_PROBABILITY]
        return PhotoReading(labels=labels, words=label_words(confident))


def preprocess(rgb: np.ndarray) -> np.ndarray:
    """RGB (H, W, 3) uint8 -> network input (3, 224, 224) float32 in [-1, 1)."""
    height, width = rgb.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    square = Image.fromarray(rgb[top : top + side, left : left + side], "RGB")
    resized = square.resize((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BILINEAR)
    values = (np.asarray(resized, dtype=np.float32) - PIXEL_CENTRE) / PIXEL_CENTRE
    return np.ascontiguousarray(values.transpose(2, 0, 1))


def load_mobilenet(files: dict[str, Path]) -> ImageNetClassifier:
    """Registry loader: files {"onnx": model .onnx, "labels": imagenet_labels.txt (1001 lines)}."""
    labels = files["labels"].read_text(encoding="utf-8").splitlines()
    return ImageNetClassifier(files["onnx"], labels)


def load_efficientnet_lite0(files: dict[str, Path]) -> ImageNetClassifier:
    """Registry loader: files {"onnx": EfficientNet-Lite0 .onnx (bench/export_efficientnet_lite0.py),
    "labels": imagenet_labels.txt}. Same input as MobileNetV2 (`preprocess`: its (x - 128) / 128 is within
    0.4% of the (x - 127.5) / 127.5 the network was trained with); its 1000 outputs are the ImageNet
    classes without "background", the label file's first line."""
    labels = files["labels"].read_text(encoding="utf-8").splitlines()[1:]
    return ImageNetClassifier(files["onnx"], labels, background_index=None)
