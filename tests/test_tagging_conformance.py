"""The ports reproduce the facts sheets' reference outputs on bensound-cute (runs when ../shared is present).

Reference values: shared/reference/choi2016_tagger.md section 8, musicnn.md section 6 and
jamendo_moodtheme.md ("Expected output for tests").
"""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from lpmc.audio import decode_audio, resample
from lpmc.tagging import choi2016, jamendo, musicnn
from lpmc.tagging.frontend import mel_power

ASSETS = Path(__file__).resolve().parents[1] / "assets"

# Section 8 A: recommended configuration (per-clip z-score, BatchNorm std reading), top 15, ±0.001
CHOI_CNN = {
    "jazz": 0.5452, "instrumental": 0.1493, "guitar": 0.0800, "chillout": 0.0648, "electronic": 0.0626,
    "folk": 0.0601, "indie": 0.0395, "easy listening": 0.0350, "rock": 0.0314, "ambient": 0.0313,
    "female vocalists": 0.0311, "experimental": 0.0304, "chill": 0.0300, "pop": 0.0287, "acoustic": 0.0278,
}  # fmt: skip
CHOI_CRNN = {
    "jazz": 0.2417, "instrumental": 0.1513, "folk": 0.0881, "guitar": 0.0839, "rock": 0.0707,
    "acoustic": 0.0632, "Mellow": 0.0393, "indie": 0.0340, "pop": 0.0312, "chillout": 0.0304,
    "ambient": 0.0287, "Progressive rock": 0.0286, "female vocalists": 0.0272, "alternative": 0.0241,
    "beautiful": 0.0226,
}  # fmt: skip
# Section 8 B: the upstream README at HEAD (printed to 3 decimals): raw dB input, BatchNorm variance reading
CHOI_CRNN_PUBLISHED = {
    "jazz": 0.444, "instrumental": 0.151, "folk": 0.103, "Hip-Hop": 0.103, "ambient": 0.077,
    "guitar": 0.068, "rock": 0.058, "acoustic": 0.054, "experimental": 0.051, "electronic": 0.042,
}  # fmt: skip
KERAS_1_0_8_EPS = 1e-5  # Keras >= 1.0.8 BatchNorm: divide by sqrt(running variance + eps)
JAMENDO_TOP5 = {"happy": 0.4239, "love": 0.1348, "summer": 0.1259, "positive": 0.0952, "background": 0.0950}
JAMENDO_CROP_SAMPLES = 349_200  # the centre 29.1 s at 12 kHz
MUSICNN_TOLERANCE = 3e-5  # facts sheet section 7: full pipeline with resampy's kaiser_best


def load(loader, weights: str, tags: str):
    return loader({"weights": ASSETS / weights, "tags": ASSETS / tags})


@pytest.fixture(scope="module")
def reference_audio(shared_dir) -> Path:
    return shared_dir / "reference" / "audio"


@pytest.fixture(scope="module")
def cute_mp3(reference_audio):
    return decode_audio(reference_audio / "bensound-cute.mp3")


@pytest.mark.parametrize(
    ("loader", "weights", "expected"),
    [
        (choi2016.load_choi2016_cnn, "choi2016/cnn.safetensors", CHOI_CNN),
        (choi2016.load_choi2016_crnn, "choi2016/crnn.safetensors", CHOI_CRNN),
    ],
)
def test_choi_recommended_configuration_on_the_original_melgram(reference_audio, loader, weights, expected):
    tagger = load(loader, weights, "choi2016/tags.json")
    melgram = np.load(reference_audio / "bensound-cute.npy")  # (1, 1, 96, 1366) float64 dB, from 2016
    scores = dict(zip(tagger.tags, tagger.predict_melgram(melgram)[0], strict=True))
    top = sorted(scores, key=scores.get, reverse=True)[: len(expected)]
    assert top == list(expected)
    for tag, value in expected.items():
        assert scores[tag] == pytest.approx(value, abs=0.001), tag


def read_as_variance(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The weights with each BatchNorm's stored statistic read as Keras >= 1.0.8 reads it (a variance),
    rewritten as the standard deviation the port divides by: std + STD_EPS = sqrt(variance + eps)."""
    return {
        key: torch.sqrt(value + KERAS_1_0_8_EPS) - choi2016.STD_EPS if key.endswith(".running_std") else value
        for key, value in weights.items()
    }


def test_choi_crnn_layer_math_reproduces_the_published_numbers(reference_audio):
    """Read as upstream's README did (variance reading, raw dB), every layer rule is checked against
    numbers the author published; only the BatchNorm reading and the input scaling differ from the port."""
    weights = load_file(str(ASSETS / "choi2016" / "crnn.safetensors"))
    tags = load(choi2016.load_choi2016_crnn, "choi2016/crnn.safetensors", "choi2016/tags.json").tags
    network = choi2016.MusicTaggerCRNN(read_as_variance(weights)).eval()
    melgram = torch.from_numpy(np.load(reference_audio / "bensound-cute.npy")).float()
    with torch.inference_mode():
        scores = dict(zip(tags, network(melgram)[0].numpy(), strict=True))
    assert sorted(scores, key=scores.get, reverse=True)[:10] == list(CHOI_CRNN_PUBLISHED)
    for tag, printed in CHOI_CRNN_PUBLISHED.items():
        assert scores[tag] == pytest.approx(printed, abs=0.0005 + 1e-6), tag


def musicnn_reference(shared_dir: Path, model: str) -> dict[str, float]:
    """The 50 mean tag probabilities listed for `model` ("MTT_musicnn" / "MSD_musicnn") in musicnn.md."""
    text = (shared_dir / "reference" / "musicnn.md").read_text()
    paragraph = text.split(f"\n{model}: ", 1)[1].split("\n\n", 1)[0].replace("\n", " ")
    values = {m[1].strip(): float(m[2]) for m in re.finditer(r"(?:^|, )([^,]+?) (\d\.\d+)", paragraph)}
    assert len(values) == 50
    return values


@pytest.mark.parametrize(
    ("loader", "key", "model", "top5"),
    [
        (musicnn.load_musicnn_mtt, "mtt", "MTT_musicnn", ["guitar", "slow", "country", "vocal", "pop"]),
        (
            musicnn.load_musicnn_msd,
            "msd",
            "MSD_musicnn",
            ["folk", "jazz", "indie", "acoustic", "female vocalists"],
        ),
    ],
)
def test_musicnn_reproduces_the_original_from_the_mp3(shared_dir, cute_mp3, loader, key, model, top5):
    tagger = load(loader, f"musicnn/{key}.safetensors", f"musicnn/{key}_tags.json")
    result = tagger.tag(*cute_mp3)
    assert result.scores.shape == (10, 50)  # 500,298 samples at 16 kHz -> 1955 frames -> 10 patches
    expected = musicnn_reference(shared_dir, model)
    deviation = np.abs(result.song_scores - np.array([expected[tag] for tag in tagger.tags]))
    assert deviation.max() <= MUSICNN_TOLERANCE, tagger.tags[deviation.argmax()]
    assert [tag for tag, _ in result.top(5)] == top5


def test_jamendo_centre_crop_reproduces_the_facts_sheet(cute_mp3):
    folder = "jamendo_moodtheme"
    tagger = load(jamendo.load_jamendo_moodtheme, f"{folder}/moodtheme.safetensors", f"{folder}/tags.json")
    audio, sr = cute_mp3
    samples = resample(audio, sr, jamendo.FRONT_END.sample_rate)
    assert samples.size == 375_223
    start = (samples.size - JAMENDO_CROP_SAMPLES) // 2
    assert start == 13_011
    power = mel_power(samples[start : start + JAMENDO_CROP_SAMPLES], jamendo.FRONT_END)
    assert power.shape == (96, jamendo.WINDOW_FRAMES)
    scores = dict(zip(tagger.tags, tagger.predict(power[None])[0], strict=True))
    ranked = sorted(scores, key=scores.get, reverse=True)
    assert ranked[:3] == ["happy", "love", "summer"]  # ranks 4 and 5 nearly tie
    for tag, value in JAMENDO_TOP5.items():
        assert scores[tag] == pytest.approx(value, abs=0.005), tag
    assert tagger.tag(audio, sr).top(1)[0][0] == "happy"  # sliding windows over the whole song agree
