"""Small English helpers for the built-in writer and captioner: articles, plurals, verbs, lists, sentences."""

import re

# Nouns that take no article ("with reverb", "features percussion").
MASS_NOUNS = set(
    """
percussion brass reverb echo delay distortion fuzz feedback noise static audio music singing rapping
humming chanting whistling drumming clapping strumming picking fingerpicking scratching beatboxing
yodeling vocalisation vocalization speech harmony accompaniment instrumentation stereo mono
compression ambience backup meditation prayer yoga relaxation sleep study studying worship exercise
dancing laughter cheering applause chatter talking narration silence rain water wind equipment gear
rhythm groove energy reverberation sound language hiss crackle electronica rock pop jazz blues funk
soul folk country classical
""".split()
)
# Words ending in "s" that are singular ("bass", "chorus").
SINGULAR_S = set("bass chorus class glass jazz blues christmas chaos emphasis bpm this".split())
# "-ing" words that are countable nouns, not gerunds ("a recording", "a string").
COUNTABLE_ING = set("recording string wedding painting building ending opening evening setting".split())
AN_EXCEPTIONS = re.compile(
    r"^(?:uni|use|usu|uti|ukulele|euro|eu|one|once|u[bcfhjkqrstn][aeiou])", re.IGNORECASE
)
# Initialisms read letter by letter whose first letter sounds like a vowel ("an R&B song", "an MC").
LETTER_NAMED_AN = re.compile(r"^(?:(?i:[fhlmnrsx])(?:[&/.]|(?=[\s-]|$))|[FHLMNRSX][A-Z0-9&]{1,3}\b)")
SILENT_H = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)


def head_word(phrase: str) -> str:
    """The last word of a phrase, lower case, without punctuation."""
    words = re.findall(r"[\w&'’-]+", phrase.lower())
    return words[-1] if words else ""


def is_plural(phrase: str) -> bool:
    """Whether a noun phrase reads as plural ("electric guitars", "hi hats"), from its head word."""
    head = head_word(phrase)
    return (
        len(head) > 3
        and head.endswith("s")
        and not head.endswith(("ss", "us", "is"))
        and head not in SINGULAR_S
    )


def agree(subjects: list[str], singular: str, plural: str) -> str:
    """The verb form that agrees with a list of noun phrases: `singular` for one singular phrase ("the piano
    comes"), `plural` for a plural one or several ("the drums come", "the piano and flute come")."""
    return singular if len(subjects) == 1 and not is_plural(subjects[0]) else plural


def indefinite_article(phrase: str) -> str:
    """'a' or 'an' for the sound the phrase starts with."""
    word = phrase.strip()
    if not word:
        return "a"
    if SILENT_H.match(word):
        return "an"
    if AN_EXCEPTIONS.match(word):
        return "a"
    if re.match(r"^[aeiou]", word, re.IGNORECASE) or LETTER_NAMED_AN.match(word):
        return "an"
    if re.match(r"^(?:8|11|18)\d*(?:\D|$)", word):
        return "an"
    return "a"


def with_article(phrase: str) -> str:
    """'an acoustic guitar', 'shimmering hi hats', 'reverb': an article only for a singular countable noun."""
    head = head_word(phrase)
    if not re.match(r"^[a-z]", phrase.strip().lower()) and not re.match(r"^\d", phrase.strip()):
        return phrase  # non-Latin text passes through as written
    if is_plural(phrase) or head in MASS_NOUNS or phrase.lower().startswith(("the ", "a ", "an ", "some ")):
        return phrase
    if head.endswith("ing") and head not in COUNTABLE_ING and len(phrase.split()) <= 3:
        return phrase  # gerunds: "melodic singing", "steady drumming"
    return f"{indefinite_article(phrase)} {phrase}"


def join(items: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (empty and repeated items left out)."""
    unique: dict[str, str] = {}
    for item in items:
        if item:
            unique.setdefault(item.casefold(), item)
    items = list(unique.values())
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, split after ".", "!" or "?" followed by a space (or the end)."""
    parts, start = [], 0
    for index, char in enumerate(text):
        if char in ".!?" and (index + 1 == len(text) or text[index + 1] == " "):
            parts.append(text[start : index + 1].strip())
            start = index + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def paragraph(sentences: list[str]) -> str:
    """Sentences joined by single spaces, empty ones left out."""
    return " ".join(text for text in sentences if text)
