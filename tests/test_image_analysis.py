"""Photo understanding: MobileNetV2 labels, colour and light, EXIF time, on real and synthetic images."""

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lpmc.recommend.analysis import analyze_image, time_words
from lpmc.recommend.colour import colour_mood, hue_saturation, valence_arousal
from lpmc.recommend.mobilenet import load_mobilenet, preprocess
from lpmc.recommend.moods import nearest_moods
from lpmc.recommend.scenes import label_words
from lpmc.vocabulary import mood_positions, photo_moods

ASSETS = Path(__file__).resolve().parents[1] / "assets"
PHOTOS = ASSETS / "photos"


@pytest.fixture(scope="module")
def classifier():
    folder = ASSETS / "mobilenet_v2"
    return load_mobilenet({"onnx": folder / "mobilenet_v2_q8.onnx", "labels": folder / "imagenet_labels.txt"})


def test_mobilenet_recognises_the_alps(classifier):
    photo = np.asarray(Image.open(PHOTOS / "mountains.jpg").convert("RGB"))
    label, probability = classifier.top(photo, 1)[0]
    assert label == "alp" and probability > 0.5
    assert classifier.probabilities(photo).sum() == pytest.approx(1.0, abs=0.02)


def test_preprocess_matches_the_notice():
    x = preprocess(np.full((100, 300, 3), 255, dtype=np.uint8))
    assert x.shape == (3, 224, 224) and x.dtype == np.float32
    assert x.max() == pytest.approx(127 / 128)


def test_hue_of_primary_colours():
    hue, saturation = hue_saturation(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5]], np.float32))
    assert hue[:3].tolist() == pytest.approx([0, 120, 240])
    assert saturation.tolist() == pytest.approx([1, 1, 1, 0])


def test_valdez_mehrabian_directions():
    dim, bright = valence_arousal(0.2, 0.3, 0, 0.2), valence_arousal(0.8, 0.3, 0, 0.2)
    assert bright[0] > dim[0] and bright[1] < dim[1]  # brighter: more pleasant, calmer
    grey, vivid = valence_arousal(0.5, 0.1, 0, 0.2), valence_arousal(0.5, 0.9, 0, 0.2)
    assert vivid[1] > grey[1] and vivid[0] > grey[0]  # more saturated: more arousing, a bit more pleasant


def test_pure_black_and_white_and_noise():
    black = colour_mood(np.zeros((16, 16, 3), np.uint8))
    white = colour_mood(np.full((16, 16, 3), 255, np.uint8))
    assert black.palette == [("#000000", 1.0)] and "night" in black.scene_words
    assert black.valence < 0.2 < white.valence
    assert set(nearest_moods(white.valence, white.arousal)) & {"calm", "relaxing", "meditative", "soft"}
    noise = colour_mood(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    assert noise.arousal > white.arousal and len(noise.palette) == 5


def test_mood_words_come_from_the_mood_table():
    assert set(photo_moods()) <= set(mood_positions())
    weights = nearest_moods(0.85, 0.45)
    assert next(iter(weights)) == "romantic" and all(0 < w <= 1 for w in weights.values())


def test_labels_become_scene_words():
    words = label_words([("seashore, coast, seacoast, sea-coast", 0.6), ("sandbar, sand bar", 0.3)])
    assert words["beach"] == pytest.approx(0.9) and words["seashore"] == 0.6 and "summer" in words


def test_exif_time_becomes_season_and_time_of_day():
    assert time_words(datetime(2022, 12, 24, 20, 0)) == {"winter": 0.6, "christmas": 0.9, "evening": 0.5}
    assert set(time_words(datetime(2021, 7, 3, 7, 30))) == {"summer", "morning"}
    assert {"new year", "night"} <= set(time_words(datetime(2020, 12, 31, 23, 59)))
    assert time_words(None) == {}


def test_real_photos_read_as_expected():
    sunset = analyze_image(PHOTOS / "sunset.jpg")
    dark = analyze_image(PHOTOS / "dark_ivy.jpg")
    mountains = analyze_image(PHOTOS / "mountains.jpg", text="hiking with friends")
    assert "sunset" in sunset.words() and {"romantic", "summer"} <= set(sunset.words())
    assert {"dark", "dramatic"} <= set(dark.words()) and dark.valence < 0.3 < sunset.valence
    assert mountains.labels[0][0] == "alp" and "mountains" in mountains.scene_words
    text_weight = mountains.context_words["hiking with friends"]
    assert text_weight == pytest.approx(sum(mountains.words().values()) - text_weight, rel=0.01)
    assert mountains.models == ["mobilenet-v2"]
    assert set(mountains.not_used) == {"blip-image-captioning-base", "clip-vit-base-patch32"}
    data = mountains.to_dict()
    assert data["colours"][0]["hex"].startswith("#") and data["caption"] is None
    assert set(data["light"]) == {"brightness", "saturation", "warmth", "contrast"}
    assert mountains.swatches[0] == data["colours"][0]["hex"]
    assert "mobilenet-v2" in mountains.note and "clip-vit-base-patch32 not used: " in mountains.note


def test_synthetic_images_are_analysed_without_error():
    for image in (Image.new("RGB", (1, 1), "white"), Image.new("RGBA", (30, 20), (0, 0, 0, 0))):
        analysis = analyze_image(image)
        assert 0 <= analysis.valence <= 1 and 0 <= analysis.arousal <= 1 and analysis.mood_words
