"""Audio tagging: pretrained taggers (Choi 2016 CNN/CRNN, musicnn MTT/MSD, MTG-Jamendo mood/theme)
ported to PyTorch, tagging songs of any length with sliding windows.

    from lpmc.tagging import load_tagger
    result = load_tagger("musicnn-mtt").tag(audio, sr)   # a TagResult: taggram + song-level tags
"""

from lpmc import registry
from lpmc.tagging.result import TagResult
from lpmc.tagging.tagger import Tagger, tag_many

TAGGER_NAMES = tuple(registry.names("tagging"))
DEFAULT_TAGGER = "musicnn-mtt"

__all__ = ["DEFAULT_TAGGER", "TAGGER_NAMES", "TagResult", "Tagger", "load_tagger", "tag_many"]


def load_tagger(name: str = DEFAULT_TAGGER) -> Tagger:
    """The tagger registered as `name` (one of TAGGER_NAMES), loaded once through the model registry."""
    return registry.load(name)
