"""What a tag is written in: English-like words, another language, or emoji only.

The writer reads English tags; a tag in another language or script is kept exactly as written (and said
to be), and an emoji tag is named by its Unicode name ("🎻" -> "violin"), which is what it says and no
more. The caption checks use the same reading to know which tags can be compared by meaning.
"""

import unicodedata

ENGLISH = "english"
OTHER_LANGUAGE = "other-language"
EMOJI = "emoji"

# Marks that change how an emoji looks, not what it names (variation selectors, skin tones, joiners).
MODIFIER_NAMES = ("VARIATION SELECTOR", "EMOJI MODIFIER", "ZERO WIDTH JOINER", "REGIONAL INDICATOR")


def text_kind(tag: str) -> str:
    """ENGLISH when every letter is plain ASCII (symbols and emoji may come along: "lo-fi 🌧️"),
    OTHER_LANGUAGE when a letter is not ("accordéon", "케이팝", "русский рок"), EMOJI when the tag has no
    letters or digits at all ("🎹", "🔥🔥", "🇰🇷")."""
    letters = [char for char in tag if char.isalpha()]
    if any(not char.isascii() for char in letters):
        return OTHER_LANGUAGE
    if not letters and not any(char.isdigit() for char in tag):
        return EMOJI
    return ENGLISH


def emoji_name(tag: str) -> str:
    """The Unicode names of a tag's symbols, lower case: "🎹" -> "musical keyboard", "🎸🔥" -> "guitar and
    fire"; "" when it has none."""
    names = []
    for char in tag:
        name = unicodedata.name(char, "")
        if unicodedata.category(char) == "So" and name and not name.startswith(MODIFIER_NAMES):
            names.append(name.lower())
    return " and ".join(dict.fromkeys(names))
