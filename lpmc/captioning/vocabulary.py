"""The built-in captioner's words: which of the taggers' tags it keeps, and what it calls them.

Synonyms across the taggers' vocabularies collapse to one word ("woman", "female vocalist" -> "female
vocals"). Dropped are decades and the subjective or contextual labels the taggers are weakest at ("catchy",
"party"), and the tempo and loudness words that the measurements state more precisely. Part tags name
something that can come in or drop out (an instrument, a voice), style tags a style the music can lean
toward; sentences about change speak only of these. Moods come from `lpmc.vocabulary.mood_family`.

The lists are assets/vocabulary/captioner_tags.json.
"""

import functools

from lpmc.vocabulary import read_vocabulary


@functools.cache
def canonical_tag(tag: str) -> str | None:
    """A tagger's tag in the captioner's words ("female vocalist" -> "female vocals"); None if dropped."""
    if tag in _tag_set("dropped"):
        return None
    return read_vocabulary("captioner_tags")["synonyms"].get(tag, tag)


@functools.cache
def vocal_tags() -> frozenset[str]:
    """Canonical tags that name voices ("female vocals", "choir")."""
    return _tag_set("vocal")


@functools.cache
def part_tags() -> frozenset[str]:
    """Canonical tags that name a part which can come in or drop out: voices and instruments."""
    return _tag_set("vocal") | _tag_set("instrument")


@functools.cache
def style_tags() -> frozenset[str]:
    """Canonical tags that name a style ("jazz", "hip hop")."""
    return _tag_set("style")


@functools.cache
def tempo_feel_tags() -> frozenset[str]:
    """MTT's tempo feel ("fast", "slow"), kept only when the measured pulse is too weak to state a tempo."""
    return _tag_set("tempo_feel")


def _tag_set(name: str) -> frozenset[str]:
    return frozenset(read_vocabulary("captioner_tags")[name])
