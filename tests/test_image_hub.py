"""The hub photo models' real loaders (BLIP captioner, CLIP zero-shot), on tiny random models built here.

Tokenizers and processors are built offline from small vocabularies, saved with save_pretrained, and
loaded back through the same code path the published checkpoints use.
"""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from lpmc import registry
from lpmc.recommend.analysis import analyze_image
from lpmc.recommend.hub import load_blip_captioner, load_clip

PHOTOS = Path(__file__).resolve().parents[1] / "assets" / "photos"
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
TINY = {"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2, "num_attention_heads": 2}


def build_tiny_clip(folder: Path) -> Path:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

    vocab = {
        t: i
        for i, t in enumerate(["<|startoftext|>", "<|endoftext|>", *LETTERS, *(c + "</w>" for c in LETTERS)])
    }
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[])  # no merges: one token per letter
    text = {"vocab_size": len(vocab), "max_position_embeddings": 64, "bos_token_id": 0, "eos_token_id": 1}
    config = CLIPConfig(
        text_config={**text, "pad_token_id": 1, **TINY},
        vision_config={"image_size": 32, "patch_size": 8, **TINY},
        projection_dim=16,
    )
    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(folder)
    images = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    CLIPProcessor(image_processor=images, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def build_tiny_blip(folder: Path) -> Path:
    from transformers import (
        BertTokenizer,
        BlipConfig,
        BlipForConditionalGeneration,
        BlipImageProcessor,
        BlipProcessor,
    )

    folder.mkdir(parents=True, exist_ok=True)
    words = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        "[DEC]",
        *LETTERS,
        "sun",
        "sea",
        "photo",
        "of",
        "the",
    ]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    tokenizer = BertTokenizer(vocab=str(folder / "vocab.txt"), bos_token="[DEC]")
    text = {"vocab_size": len(words), "max_position_embeddings": 64, "bos_token_id": 5, "sep_token_id": 3}
    config = BlipConfig(
        text_config={**text, "eos_token_id": 3, "pad_token_id": 0, **TINY},
        vision_config={"image_size": 32, "patch_size": 8, **TINY},
        projection_dim=16,
    )
    torch.manual_seed(0)
    BlipForConditionalGeneration(config).save_pretrained(folder)
    images = BlipImageProcessor(size={"height": 32, "width": 32})
    BlipProcessor(image_processor=images, tokenizer=tokenizer).save_pretrained(folder)
    (folder / "vocab.txt").unlink()  # the saved tokenizer.json must be enough
    return folder


@pytest.fixture(scope="module")
def hub_dir(tmp_path_factory) -> Path:
    """A weights folder laid out as LPMC_WEIGHTS_DIR expects: <repo name>/config.json ..."""
    root = tmp_path_factory.mktemp("weights")
    build_tiny_clip(root / "clip-vit-base-patch32")
    build_tiny_blip(root / "blip-image-captioning-base")
    return root


def test_clip_scores_are_a_distribution_over_the_words(hub_dir):
    clip = load_clip({"dir": hub_dir / "clip-vit-base-patch32"})
    scores = clip.scores(Image.open(PHOTOS / "dune.jpg"), ["beach", "storm", "calm"])
    assert scores.shape == (3,) and scores.sum() == pytest.approx(1.0, abs=1e-5) and (scores > 0).all()
    again = clip.scores(Image.open(PHOTOS / "dune.jpg"), ["beach", "storm", "calm"])
    assert np.array_equal(scores, again)


def test_blip_writes_a_caption_from_its_vocabulary(hub_dir):
    captioner = load_blip_captioner({"dir": hub_dir / "blip-image-captioning-base"})
    caption = captioner.caption(Image.open(PHOTOS / "sunset.jpg"))
    assert caption and "[DEC]" not in caption and "[SEP]" not in caption


def test_analysis_uses_hub_models_when_they_are_present(hub_dir, monkeypatch):
    monkeypatch.setenv("LPMC_WEIGHTS_DIR", str(hub_dir))
    registry.reset()  # load this test's tiny models, then forget them
    try:
        analysis = analyze_image(PHOTOS / "sunset.jpg")
        clip_only = analyze_image(PHOTOS / "sunset.jpg", reader="clip-vit-base-patch32")
    finally:
        registry.reset()
    assert (
        clip_only.models == ["clip-vit-base-patch32"] and clip_only.labels == [] and clip_only.caption is None
    )
    assert analysis.models == ["efficientnet-lite0", "blip-image-captioning-base", "clip-vit-base-patch32"]
    assert analysis.not_used == {}
    assert analysis.caption and analysis.context_words[analysis.caption] > 0
