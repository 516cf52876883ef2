"""Audio tagging: pretrained taggers (Choi 2016 CNN/CRNN, musicnn MTT/MSD, MTG-Jamendo mood/theme)
ported to PyTorch, tagging songs of any length with sliding windows.

    from lpmc.tagging import load_tagger
    result = load_tagger("musicnn-mtt").tag(audio, sr)   # a TagResult: taggram + song-level tags

`tagger.tag_many` tags one song with several taggers, sharing their resampling and spectrograms.
"""

from typing import TYPE_CHECKING

from lpmc import registry
from lpmc.tasks import AUTO, TAGGING

if TYPE_CHECKING:
    from lpmc.tasks import Tagger


def load_tagger(name: str = AUTO) -> "Tagger":
    """The tagging model `name` (a registry name or alias; "auto": the first available in the registry's
    order), loaded once through the registry."""
    return registry.load_first(TAGGING, name)[0]
