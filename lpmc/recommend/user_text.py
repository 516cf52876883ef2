"""The user's own words about a photo: their phrases and words, and the mood tags those call for."""

import re

from lpmc.vocabulary import cue_themes, mood_positions, time_themes, word_moods

PHRASE_BREAK = re.compile(r"[,;.!?\n]+")
WORD = re.compile(r"[a-z][a-z'-]*")
# Words that carry no scene or mood on their own; the phrase they are part of keeps them.
FUNCTION_WORDS = frozenset(
    "about after all also and any are around back before but for from going had has have her his home "
    "into its just like more much my not our out over some that the their them then there these they "
    "this through too under very was way were what when where which while who will with you your".split()
)
MIN_WORD_LENGTH = 3
WORD_WEIGHT = 0.6  # a single word of a longer phrase, relative to a whole phrase (1.0)


def split_text(text: str) -> dict[str, float]:
    """The user's text as weighted phrases and words, lower case, in order:
    "Rainy walk home after school, nostalgic" -> {"rainy walk home after school": 1.0, "nostalgic": 1.0,
    "rainy": 0.6, "walk": 0.6, "school": 0.6}. A phrase is a stretch between punctuation marks; the words
    of a phrase of several words join it (function words and words under MIN_WORD_LENGTH letters do not)."""
    phrases = [" ".join(part.split()) for part in PHRASE_BREAK.split(text.lower())]
    weighted = dict.fromkeys(filter(None, phrases), 1.0)
    for phrase in list(weighted):
        tokens = WORD.findall(phrase)
        if len(tokens) < 2:
            continue
        for token in tokens:
            if len(token) >= MIN_WORD_LENGTH and token not in FUNCTION_WORDS:
                weighted.setdefault(token, WORD_WEIGHT)
    return weighted


def mood_tags(word: str) -> tuple[str, ...]:
    """Mood tags (with a place on the valence-arousal plane) a user's word or phrase calls for: itself when
    it is one, else those `word_moods` gives it, else the moods of a colour cue or season it names."""
    if word in mood_positions():
        return (word,)
    tags = word_moods(word) or cue_themes(word) or time_themes(word)
    return tuple(tag for tag in tags if tag in mood_positions())
