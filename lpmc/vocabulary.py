"""The words lpmc's features share: moods, scenes, and how a tag reads as text.

Moods. MTG-Jamendo mood/theme tags are where songs get their moods (the catalog's tags and the mood
tagger's outputs), so the shared tables are keyed by those tags:
- `mood_positions`: the tags that name a feeling, placed on Russell's valence-arousal plane (valence:
  unpleasant 0 .. pleasant 1; arousal: calm 0 .. excited 1); purpose tags ("film", "corporate") have none.
- `mood_family`: the word a caption uses for a tag; tags of one family share it ("film", "movie",
  "trailer" -> "cinematic"). Tags that name a context of use ("advertising", "christmas") have no family.
- `photo_moods`: the tags a photo's colour and light can express.
- `mood_words`: English mood words in general; the writer reads a tag made of them as a mood.
- `word_moods`: the mood tags an English word in a user's text calls for ("nostalgic" -> melancholic).
- `feeling_position`: where an English word that names a feeling sits on the plane ("cheerful" where
  "happy" is); the caption checks compare a caption's feelings with its tags' by it.

Explicit words: `is_explicit` tells a song title or artist name the photo-to-music filter leaves out.

Scenes: the scene and theme words an ImageNet label, a colour cue or a season or time of day implies, and
the scenes CLIP is asked about. Tag text: MTG-Jamendo writes multi-word tags as one word ("newage");
`tag_text` spells them out.

Each table is a JSON file in assets/vocabulary/ (PROVENANCE.md there says where each comes from), read
on first use.
"""

import functools
import json
import re
from typing import Any

from lpmc import settings

VOCABULARY_DIR = settings.ASSETS_DIR / "vocabulary"


@functools.cache
def read_vocabulary(name: str) -> dict[str, Any]:
    """The JSON table assets/vocabulary/<name>.json, read once."""
    return json.loads((VOCABULARY_DIR / f"{name}.json").read_text(encoding="utf-8"))


# Moods


@functools.cache
def mood_positions() -> dict[str, tuple[float, float]]:
    """Mood tag -> (valence, arousal), each in [0, 1]; only tags that name a feeling."""
    positions = read_vocabulary("moods")["positions"]
    return {tag: (valence, arousal) for tag, (valence, arousal) in positions.items()}


@functools.cache
def _families_by_tag() -> dict[str, str]:
    return {tag: family for family, tags in read_vocabulary("moods")["families"].items() for tag in tags}


def mood_family(tag: str) -> str | None:
    """The word a caption uses for mood tag `tag` ("trailer" -> "cinematic"); None for a context of use."""
    return _families_by_tag().get(tag)


@functools.cache
def photo_moods() -> tuple[str, ...]:
    """Mood tags a photo can express, each with a place in `mood_positions`."""
    return tuple(read_vocabulary("moods")["photo"])


@functools.cache
def mood_words() -> frozenset[str]:
    """English words that name a mood ("melancholic", "laid-back"), lower case."""
    return frozenset(read_vocabulary("moods")["words"])


def word_moods(word: str) -> tuple[str, ...]:
    """Mood tags (with a place in `mood_positions`) an English word in a user's text calls for
    ("nostalgic" -> melancholic, emotional; "rainy" -> melancholic, calm); () when it names none."""
    return tuple(read_vocabulary("moods")["word_moods"].get(word, ()))


def feeling_position(word: str) -> tuple[float, float] | None:
    """(valence, arousal) of an English word that names a feeling, at the position of the mood tag it
    means ("cheerful" -> "happy": (0.9, 0.7)); None for other words."""
    tag = read_vocabulary("moods")["feelings"].get(word.lower())
    return mood_positions()[tag] if tag else None


# Scenes


def imagenet_scene_words(class_name: str) -> tuple[str, ...]:
    """Scene and theme words an ImageNet class implies, by the class's first name; () for objects only."""
    return tuple(read_vocabulary("scenes")["imagenet"].get(class_name, ()))


def cue_themes(cue: str) -> tuple[str, ...]:
    """Themes music usually pairs with a colour cue ("sunset" -> romantic, summer, relaxing)."""
    return tuple(read_vocabulary("scenes")["colour_cues"].get(cue, ()))


def time_themes(word: str) -> tuple[str, ...]:
    """Moods and themes music usually pairs with a season or time of day ("autumn" -> melancholic, calm)."""
    return tuple(read_vocabulary("scenes")["time_cues"].get(word, ()))


def clip_scenes() -> tuple[str, ...]:
    """Scenes a photo is compared with when CLIP is available."""
    return tuple(read_vocabulary("scenes")["clip"])


# Explicit titles

WORD_PATTERN = re.compile(r"[^\W\d_]+")  # runs of letters: "Fuckin' Aye" -> fuckin, aye


@functools.cache
def _explicit() -> tuple[frozenset[str], tuple[str, ...]]:
    table = read_vocabulary("explicit")
    return frozenset(table["words"]), tuple(table["stems"])


def is_explicit(text: str) -> bool:
    """Whether a song title or artist name has an explicit word: one of explicit.json's words, or a word
    starting with one of its stems ("Shitlife"); case-insensitive. ("Piano Sextet" is not.)"""
    words, stems = _explicit()
    return any(word in words or word.startswith(stems) for word in WORD_PATTERN.findall(text.casefold()))


# Tags as text


def tag_text(tag: str) -> str:
    """A tag as words a text embedder understands ("newage" -> "new age"); other tags unchanged."""
    return read_vocabulary("tag_text")["spellings"].get(tag, tag)
