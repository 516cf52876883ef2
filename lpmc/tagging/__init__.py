"""Audio tagging: pretrained taggers (Choi 2016 CNN/CRNN, musicnn MTT/MSD, MTG-Jamendo mood/theme)
ported to PyTorch, tagging songs of any length with sliding windows.

    from lpmc.tagging import load_tagger
    result = load_tagger("musicnn-mtt").tag(audio, sr)   # a TagResult: taggram + song-level tags
"""

import importlib

from lpmc import registry, settings
from lpmc.tagging.result import TagResult
from lpmc.tagging.tagger import Tagger, tag_many

# registry name -> (loader, {file role: path under assets/}); the registry entries point at the same
SHIPPED = {
    "choi2016-cnn": (
        "lpmc.tagging.choi2016:load_choi2016_cnn",
        {"weights": "choi2016/cnn.safetensors", "tags": "choi2016/tags.json"},
    ),
    "choi2016-crnn": (
        "lpmc.tagging.choi2016:load_choi2016_crnn",
        {"weights": "choi2016/crnn.safetensors", "tags": "choi2016/tags.json"},
    ),
    "musicnn-mtt": (
        "lpmc.tagging.musicnn:load_musicnn_mtt",
        {"weights": "musicnn/mtt.safetensors", "tags": "musicnn/mtt_tags.json"},
    ),
    "musicnn-msd": (
        "lpmc.tagging.musicnn:load_musicnn_msd",
        {"weights": "musicnn/msd.safetensors", "tags": "musicnn/msd_tags.json"},
    ),
    "jamendo-moodtheme": (
        "lpmc.tagging.jamendo:load_jamendo_moodtheme",
        {"weights": "jamendo_moodtheme/moodtheme.safetensors", "tags": "jamendo_moodtheme/tags.json"},
    ),
}
TAGGER_NAMES = tuple(SHIPPED)
DEFAULT_TAGGER = "musicnn-mtt"

__all__ = ["DEFAULT_TAGGER", "SHIPPED", "TAGGER_NAMES", "TagResult", "Tagger", "load_tagger", "tag_many"]


def load_tagger(name: str = DEFAULT_TAGGER) -> Tagger:
    """The tagger registered as `name` (one of TAGGER_NAMES), loaded once through the model registry."""
    return registry.load(name)


def load_shipped(name: str) -> Tagger:
    """A new tagger built by its loader straight from assets/ (for tests and benchmarks; apps use
    `load_tagger`, which caches and reports availability through the registry)."""
    loader, files = SHIPPED[name]
    module_name, function_name = loader.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    return function({role: settings.ASSETS_DIR / path for role, path in files.items()})
