"""What kind of thing a music tag names: genre, instrument, vocal, tempo, mood, sound, quality...

`classify(tag)` first reads the tag's words against a hand-written lexicon (the head word decides:
"rock guitar" is an instrument, "hard rock" a genre); a tag the lexicon does not know is placed next to
its nearest lexicon word in MiniLM embedding space, and stays `other` when nothing is close. Tags in
another language or in emoji are not read at all (lpmc.text.script): the writer keeps them as written.

The word lists are assets/vocabulary/lexicon.json; mood words are the shared `lpmc.vocabulary.mood_words`.
"""

import functools
import re
from dataclasses import dataclass, fields

import numpy as np

from lpmc import registry
from lpmc.text import english, script
from lpmc.vocabulary import mood_words, read_vocabulary, tag_text

# Categories, in the order the writer talks about them.
GENRE = "genre"
ORIGIN = "origin"  # where the music is from: "japanese", "uk", "nyc"
KIND = "kind"  # what the recording is: live performance, cover, jam, demo...
INSTRUMENTAL = "instrumental"
VOCAL = "vocal"
INSTRUMENT = "instrument"
TEMPO = "tempo"
KEY = "key"
MOOD = "mood"
SOUND = "sound"  # how it sounds: loud, bright, punchy, reverb...
QUALITY = "quality"  # recording quality: low quality, noisy, mono...
ERA = "era"
CONTEXT = "context"  # where it would be heard: movie, party, video game...
ABSENCE = "absence"  # "no percussion", "no voices"
LIKENESS = "likeness"  # "sounds like a 90s video game", "like summer rain"
OTHER = "other"
OTHER_LANGUAGE = script.OTHER_LANGUAGE  # "케이팝", "accordéon": kept as written
EMOJI = script.EMOJI  # "🎻": named by its Unicode name
CATEGORIES = (
    GENRE,
    ORIGIN,
    KIND,
    INSTRUMENTAL,
    VOCAL,
    INSTRUMENT,
    TEMPO,
    KEY,
    MOOD,
    SOUND,
    QUALITY,
    ERA,
    CONTEXT,
    ABSENCE,
    LIKENESS,
    OTHER,
    OTHER_LANGUAGE,
    EMOJI,
)
# Categories whose sentences need a noun ("features a ...", "played at a ...").
NOUN_CATEGORIES = (GENRE, KIND, INSTRUMENT, CONTEXT, VOCAL, OTHER)

# Tags already placed by embedding, so a repeated tag costs nothing (bounded memory).
MAX_REMEMBERED_TAGS = 50_000
_embedded_categories: dict[str, str] = {}
# Nearest-word similarity a tag needs to join a category it has no lexicon word for.
MIN_EMBEDDING_SIMILARITY = 0.5

ERA_PATTERN = re.compile(
    r"^(?:(?:19|20)?\d0'?s|(?:19|20)\d\d|(?:early|late|mid)[ -](?:\d0'?s|century)|retro|vintage|oldies?|old"
    r"[ -]school|old[ -]fashioned|classic|modern|contemporary|futuristic|medieval|baroque era"
    r"|renaissance)$"
)
DECADE_WORDS = re.compile(r"\b(?:(?:19|20)?\d0'?s|(?:19|20)\d\d)\b")

ABSENCE_PATTERN = re.compile(r"^(?:no|without|lacks?|lacking|zero)\s+(.+)$")
KEY_PATTERN = re.compile(r"\b(?:major|minor)\b|\bkey\b|^[a-g](?:#|b|♯|♭)?\s*(?:maj|min|m)$")
BPM_PATTERN = re.compile(r"^(\d{2,3})\s*bpm$")
LIKENESS_PATTERN = re.compile(r"^(?:(sounds?|feels?)\s+)?like\s+(.+)$")
# A phrase ending in a preposition describes the music in the user's words ("songs to cry to", "beats to
# study to"); it is named as written, never read as a place or a genre.
ENDS_IN_PREPOSITION = re.compile(r"\s(?:to|for|with|at|in|on|by|from|of)$")


@dataclass(frozen=True)
class WordLists:
    """The lexicon's words by what they name, lower case (assets/vocabulary/lexicon.json)."""

    genre: frozenset[str]
    genre_phrases: frozenset[str]  # two-word genres whose words alone would read differently ("hip hop")
    instrument: frozenset[str]
    part: frozenset[str]  # a musical part, not an instrument: "catchy melody" is an instrument-side element
    vocal: frozenset[str]
    tempo: frozenset[str]
    tempo_heads: frozenset[str]  # last words that make any tag a tempo ("mid-tempo", "120 bpm")
    quality: frozenset[str]
    kind: tuple[str, ...]  # what the recording is, as phrases: "live performance", "cover", "jam session"
    sound: frozenset[str]
    ambient: frozenset[str]  # sounds around the music (crowd, birds, sirens): sound, never an instrument
    context: frozenset[str]  # where music is heard: "party", "movie", "yoga"
    instrumental: frozenset[str]  # whole tags that mean "no vocals"
    origin: frozenset[str]  # places and peoples music comes from: "japanese", "uk", "middle eastern"
    proper: frozenset[str]  # words always written with capitals, as written: "UK", "EDM", "Japanese"
    mood: frozenset[str]  # lpmc.vocabulary.mood_words, shared with the captioner and photo-to-music


@functools.cache
def word_lists() -> WordLists:
    """The lexicon, read once."""
    data = read_vocabulary("lexicon")
    sets = {
        field.name: frozenset(data[field.name])
        for field in fields(WordLists)
        if field.name not in ("kind", "mood")
    }
    return WordLists(**sets, kind=tuple(data["kind"]), mood=mood_words())


def normalise(tag: str) -> str:
    """Lower case, single spaces, hyphens kept: the form the lexicon is written in."""
    return " ".join(tag.lower().replace("_", " ").split())


@functools.cache
def _proper_forms() -> dict[str, str]:
    return {form.casefold(): form for form in word_lists().proper}


def written_form(tag: str) -> str:
    """A tag as a caption writes it: MTG-Jamendo's one-word tags spelled out ("electricguitar" ->
    "electric guitar"), initialisms and proper adjectives capitalised ("uk rap" -> "UK rap", "japanese"
    -> "Japanese", "edm" -> "EDM"); every other word exactly as typed."""
    spelled = tag_text(tag.lower())
    if spelled != tag.lower():
        tag = spelled
    proper = _proper_forms()
    if tag.casefold() in proper:
        return proper[tag.casefold()]
    return " ".join(proper.get(word.casefold(), word) for word in tag.split(" "))


def lexicon_category(tag: str) -> str | None:
    """The category the lexicon gives a tag, or None when it knows none of the tag's words."""
    text = normalise(tag)
    words = text.replace("/", " ").split()
    if not words:
        return None
    kind_of_text = script.text_kind(tag)
    if kind_of_text != script.ENGLISH:
        return kind_of_text  # OTHER_LANGUAGE or EMOJI, never guessed at
    known = word_lists()
    if text in known.instrumental:
        return INSTRUMENTAL
    if ABSENCE_PATTERN.match(text):
        return ABSENCE
    if LIKENESS_PATTERN.match(text):
        return LIKENESS
    if ENDS_IN_PREPOSITION.search(text):
        return OTHER
    if BPM_PATTERN.match(text) or words[-1] in known.tempo_heads or (len(words) <= 2 and text in known.tempo):
        return TEMPO
    if KEY_PATTERN.search(text) and not set(words) & known.instrument:
        return KEY
    if ERA_PATTERN.match(text):
        return ERA
    if text in known.origin:
        return ORIGIN
    if " ".join(words[:-1]) in known.origin and words[-1] in known.genre:
        return GENRE  # "uk rap", "japanese pop": a genre of a place, even when its head is also a vocal
    if text in known.kind:
        return KIND
    head = words[-1]
    if "quality" in words or head in ("recording", "audio", "mix"):
        return QUALITY
    if set(words) & known.vocal and not (set(words[-1:]) & known.instrument - known.part):
        return VOCAL
    if set(words) & known.ambient:
        return SOUND
    if text in known.genre_phrases or text.removesuffix(" music") in known.genre_phrases:
        return GENRE
    if head in known.instrument or set(words) & (known.instrument - known.part - {"band"}):
        return INSTRUMENT
    core = [word for word in words if word not in ("music", "song", "songs", "style", "genre", "track")]
    names_music = head in ("music", "song", "songs") and set(core) & known.genre
    if core and (" ".join(core) in known.genre or core[-1] in known.genre or names_music):
        return GENRE
    if head in ("mood", "feel", "feeling", "vibe", "vibes", "atmosphere", "energy", "emotion", "emotions"):
        return MOOD
    if set(words) & known.context:
        return CONTEXT
    if len(words) == 1 or (
        len(words) == 2 and words[0] in ("very", "slightly", "a", "bit", "quite", "super")
    ):
        if head in known.quality:
            return QUALITY
        if head in known.mood:
            return MOOD
        if head in known.sound:
            return SOUND
    if head in ("sound", "sounds", "tone", "timbre", "texture", "production", "effect", "effects"):
        return SOUND
    if head in known.part:
        return INSTRUMENT
    if words[0] in known.mood and len(words) <= 2:
        return MOOD
    return None


def _exemplars() -> list[tuple[str, str]]:
    """(word, category) pairs that unseen tags are compared with."""
    known = word_lists()
    pairs = [(word, GENRE) for word in sorted(known.genre)]
    pairs += [(word, INSTRUMENT) for word in sorted(known.instrument - known.part)]
    pairs += [(word, VOCAL) for word in sorted(known.vocal)]
    pairs += [(word, MOOD) for word in sorted(known.mood)]
    pairs += [(word, SOUND) for word in sorted((known.sound | known.ambient) - known.mood)]
    pairs += [(word, CONTEXT) for word in sorted(known.context)]
    pairs += [(phrase, KIND) for phrase in known.kind]
    pairs += [(word + " tempo", TEMPO) for word in ("fast", "slow", "medium")]
    return pairs


@functools.cache
def _exemplar_space() -> tuple[np.ndarray, tuple[str, ...]]:
    """(exemplar embeddings (E, 384), their categories): shipped vectors; missing words are embedded."""
    from lpmc.text.embedding import embed

    pairs = _exemplars()
    words = [word for word, _ in pairs]
    shipped = shipped_exemplar_vectors()
    missing = [word for word in words if word not in shipped]
    if missing:
        shipped.update(zip(missing, embed(missing), strict=True))
    return np.stack([shipped[word] for word in words]), tuple(category for _, category in pairs)


def shipped_exemplar_vectors() -> dict[str, np.ndarray]:
    """word -> MiniLM vector (384,) float32, from the tag writer's "lexicon" file (built by
    bench/build_cooccurrence.py). Through the registry, so the file is checked against its sha256;
    raises ModelUnavailable when it is missing or altered."""
    path = registry.resolve_files("tag-writer")["lexicon"]
    with np.load(path, allow_pickle=False) as arrays:
        return dict(zip(arrays["words"].tolist(), arrays["embeddings"].astype(np.float32), strict=True))


def exemplar_words() -> list[str]:
    """Every lexicon word unseen tags are compared with (what the shipped embeddings cover)."""
    return [word for word, _ in _exemplars()]


def embedding_categories(tags: list[str]) -> list[str]:
    """Category of each tag by its nearest lexicon word in MiniLM space; OTHER when none is close enough."""
    found = {
        text: _embedded_categories[text] for text in map(normalise, tags) if text in _embedded_categories
    }
    new = sorted({normalise(tag) for tag in tags} - found.keys())
    if new:
        from lpmc.text.embedding import embed

        space, categories = _exemplar_space()
        similarity = embed(new) @ space.T
        for text, row in zip(new, similarity, strict=True):
            nearest = int(row.argmax())
            found[text] = categories[nearest] if row[nearest] >= MIN_EMBEDDING_SIMILARITY else OTHER
            if len(_embedded_categories) < MAX_REMEMBERED_TAGS:
                _embedded_categories[text] = found[text]
    return [found[normalise(tag)] for tag in tags]


def classify(tags: list[str], use_embeddings: bool = True) -> list[str]:
    """Category of each tag: the lexicon's if it knows the tag, else its embedding neighbour's (or OTHER)."""
    categories = [lexicon_category(tag) for tag in tags]
    unknown = [i for i, category in enumerate(categories) if category is None]
    guessed = [OTHER] * len(unknown)
    if unknown and use_embeddings:
        guessed = _embedding_categories_or_other([tags[i] for i in unknown])
    for i, category in zip(unknown, guessed, strict=True):
        categories[i] = fit_part_of_speech(tags[i], category)
    return categories


def fit_part_of_speech(tag: str, category: str) -> str:
    """The category an unknown tag is said in, given the one its meaning suggests: an adjective placed
    among nouns is a sound ("smoky" next to "vaporwave": "It sounds smoky."), and a single word placed
    next to a context is only named ("unicorn" next to "cartoon" is no place to play a song)."""
    if category in NOUN_CATEGORIES and english.looks_adjective(tag):
        return SOUND
    if category == CONTEXT and len(tag.split()) == 1:
        return OTHER
    return category


def _embedding_categories_or_other(tags: list[str]) -> list[str]:
    # The writer must work even when the embedder cannot load; unknown tags are then kept as OTHER.
    from lpmc.errors import LpmcError

    try:
        return embedding_categories(tags)
    except (LpmcError, ImportError, OSError):
        return [OTHER] * len(tags)
