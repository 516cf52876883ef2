"""The photo evaluation set (bench/photo_eval/): labels, and a floor on how often photos get fitting music."""

import numpy as np
import pytest

from bench.photo_evaluation import EVAL_DIR, PASS_COUNT, evaluate, labels, summary
from lpmc import settings
from lpmc.recommend.image import load_photo
from lpmc.recommend.mobilenet import load_efficientnet_lite0, load_mobilenet
from lpmc.vocabulary import read_vocabulary

# Measured on this set when the floors were set: 77% of photos passing, 6.9 compatible songs of 10 (with
# EfficientNet-Lite0; MobileNetV2 alone: 70%, 6.6). The floors leave room for small changes elsewhere.
PASS_FLOOR = 0.70
MEAN_FLOOR = 6.0


def test_every_photo_is_labelled_with_known_families_and_none_is_held_out():
    photos = labels()
    families = set(read_vocabulary("moods")["families"])
    assert len(photos) >= 40
    for name, photo in photos.items():
        assert (EVAL_DIR / name).is_file() and photo["description"] and photo["license"]
        assert 3 <= len(photo["families"]) and set(photo["families"]) <= families
        assert photo["package"] not in ("mate-backgrounds", "plasma-workspace-wallpapers")


def test_most_photos_get_songs_of_the_moods_they_call_for():
    scores = evaluate()
    numbers = summary(scores)
    assert numbers["pass tagged"] >= PASS_FLOOR and numbers["mean tagged"] >= MEAN_FLOOR
    assert sum(score.tagged >= PASS_COUNT for score in scores) == round(numbers["pass tagged"] * len(scores))


@pytest.fixture(scope="module")
def classifiers():
    assets = settings.ASSETS_DIR
    labels_file = assets / "mobilenet_v2" / "imagenet_labels.txt"
    efficientnet = {"onnx": assets / "efficientnet_lite0" / "efficientnet_lite0.onnx", "labels": labels_file}
    mobilenet = {"onnx": assets / "mobilenet_v2" / "mobilenet_v2_q8.onnx", "labels": labels_file}
    return load_efficientnet_lite0(efficientnet), load_mobilenet(mobilenet)


@pytest.mark.parametrize(
    ("name", "label"),
    [("lomiri-picture-1a.jpg", "paintbrush"), ("budgie-oakland-zoo-otters.jpg", "otter"),
     ("lomiri-greentock.jpg", "wall clock"), ("lomiri-picosdeeuropa.jpg", "alp")],
)  # fmt: skip
def test_efficientnet_lite0_sees_what_is_there(classifiers, name, label):
    efficientnet, _ = classifiers
    rgb = load_photo(EVAL_DIR / name).rgb
    assert efficientnet.top(rgb, 1)[0][0].split(",")[0] == label
    assert efficientnet.probabilities(rgb).shape == (1000,)
    assert efficientnet.probabilities(rgb).sum() == pytest.approx(1.0, abs=1e-3)


def test_both_classifiers_read_the_same_classes(classifiers):
    efficientnet, mobilenet = classifiers
    assert efficientnet.labels == mobilenet.labels[1:] and len(efficientnet.labels) == 1000
    rgb = load_photo(EVAL_DIR / "lomiri-picosdeeuropa.jpg").rgb
    both = efficientnet.probabilities(rgb), mobilenet.probabilities(rgb)[1:]
    assert np.argmax(both[0]) == np.argmax(both[1])
