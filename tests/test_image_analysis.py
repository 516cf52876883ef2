"""Photo understanding: ImageNet labels, colour regions and light, EXIF time, the user's words, on real and
synthetic images."""

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
from lpmc.recommend.user_text import mood_tags, split_text
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
    assert {"sunset", "golden hour", "clear sky"} <= set(sunset.scene_words)
    assert {"romantic", "summer"} <= set(sunset.mood_words) and "sun" in sunset.mood_reasons["romantic"]
    assert "night" in dark.scene_words and {"dark", "deep", "sad"} <= set(dark.mood_words)
    assert dark.valence < 0.4 < 0.7 < sunset.valence
    assert mountains.labels[0][0] == "alp" and "mountains" in mountains.scene_words
    assert next(iter(mountains.words())) == "hiking with friends"  # the user's words lead
    photo_words = {**mountains.scene_words, **mountains.context_words}
    assert sum(mountains.user_words.values()) > sum(photo_words.values())
    assert mountains.models == ["efficientnet-lite0"]
    assert set(mountains.not_used) == {"blip-image-captioning-base", "clip-vit-base-patch32"}
    data = mountains.to_dict()
    assert data["colours"][0]["hex"].startswith("#") and data["caption"] is None
    assert set(data["light"]) == {"brightness", "saturation", "warmth", "contrast", "colourfulness"}
    assert set(data["regions"]) == {"sky", "grey sky", "water", "vegetation", "warm", "dark", "highlights"}
    assert data["mood_reasons"]["inspiring"] == "your words: 'hiking'"  # the user's reason wins
    assert data["mood_reasons"]["epic"].startswith("the photo shows it (alp")
    assert mountains.swatches[0] == data["colours"][0]["hex"]
    assert "efficientnet-lite0" in mountains.note and "clip-vit-base-patch32 not used: " in mountains.note


def test_synthetic_images_are_analysed_without_error():
    for image in (Image.new("RGB", (1, 1), "white"), Image.new("RGBA", (30, 20), (0, 0, 0, 0))):
        analysis = analyze_image(image)
        assert 0 <= analysis.valence <= 1 and 0 <= analysis.arousal <= 1 and analysis.mood_words


def sky_over_ground(sky: tuple[int, int, int], ground: tuple[int, int, int]) -> np.ndarray:
    """A 120x180 (H, W, 3) uint8 picture: `sky` in the top 40%, `ground` below."""
    picture = np.empty((120, 180, 3), np.uint8)
    picture[:48], picture[48:] = sky, ground
    return picture


def test_a_saturated_blue_sky_is_clear_and_bright_a_grey_one_overcast():
    blue = colour_mood(sky_over_ground((30, 90, 200), (70, 140, 50)))  # luma of that blue: only 0.33
    grey = colour_mood(sky_over_ground((150, 150, 155), (70, 140, 50)))
    assert blue.regions["sky"] == pytest.approx(0.4, abs=0.01)
    assert blue.regions["vegetation"] == pytest.approx(0.6, abs=0.01)
    assert {"clear sky", "greenery"} <= set(blue.scene_words) and "overcast" not in blue.scene_words
    assert "blue sky fills 40% of the frame" == blue.cue_notes["clear sky"]
    assert grey.regions["grey sky"] == pytest.approx(0.4, abs=0.01) and "overcast" in grey.scene_words
    assert blue.brightness > 0.5  # luma and HSV value together: a deep blue looks bright


def test_a_low_warm_sun_is_golden_hour_and_vivid_colours_are_seen():
    picture = np.full((100, 100, 3), (230, 120, 40), np.uint8)  # orange sky ...
    picture[60:] = (20, 15, 10)  # ... over a dark foreground ...
    picture[40:47, 48:55] = 255  # ... and a small sun
    cues = colour_mood(picture).scene_words
    assert {"golden hour", "sunset"} <= set(cues)
    stripes = np.zeros((60, 60, 3), np.uint8)
    for i, colour in enumerate([(255, 0, 0), (0, 200, 0), (0, 0, 255), (255, 220, 0)]):
        stripes[:, 15 * i : 15 * i + 15] = colour
    assert colour_mood(stripes).colourfulness > 0.33 and "vivid colours" in colour_mood(stripes).scene_words


def test_exif_month_and_hour_become_moods(tmp_path):
    image = Image.open(PHOTOS / "mountains.jpg")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2021:10:16 18:30:00"  # DateTimeOriginal: an October evening
    image.save(tmp_path / "october.jpg", exif=exif.tobytes())
    analysis = analyze_image(tmp_path / "october.jpg")
    assert analysis.taken == "2021-10-16T18:30:00"
    assert {"autumn", "evening"} <= set(analysis.context_words)
    assert analysis.mood_reasons["melancholic"] == "taken in autumn (EXIF)"


def test_the_users_text_splits_into_phrases_and_words_with_moods():
    words = split_text("Rainy walk home after school, nostalgic!")
    assert words == {
        "rainy walk home after school": 1.0, "nostalgic": 1.0, "rainy": 0.6, "walk": 0.6, "school": 0.6
    }  # fmt: skip
    assert mood_tags("nostalgic") == ("melancholic", "emotional") and mood_tags("calm") == ("calm",)
    assert mood_tags("autumn") == ("melancholic", "calm") and mood_tags("school") == ()
