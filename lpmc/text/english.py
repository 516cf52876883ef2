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
# Words spelled with a vowel that start with a consonant sound ("a unicorn", "a one-man band", "a euro").
AN_EXCEPTIONS = re.compile(
    r"^(?:uni|use|usu|uti|ukulele|euro|eu|one|once|u[bcfhjkqrstn][aeiou])", re.IGNORECASE
)
# Single letters named with a vowel sound, then "&", "/", "." or the end of the word ("an R&B song").
LETTER_NAMED_AN = re.compile(r"^(?i:[fhlmnrsx])(?:[&/.]|(?=[\s-]|$))")
# Letters whose names start with a vowel sound: "an EDM", "an MC", "an NYC", but "a UK".
VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")
SILENT_H = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)
# Numbers said with a vowel sound first: eight..., eighty..., eleven, eighteen ("an 808", "an 18th").
VOWEL_SOUND_NUMBER = re.compile(r"^(?:8|11(?:\d\d)?(?!\d)|18(?:\d\d)?(?!\d))")
# Endings that make a word an adjective ("smoky", "melodic", "reverb-drenched")...
ADJECTIVE_ENDINGS = ("y", "ic", "al", "ous", "ful", "ive", "ish", "less", "esque", "ed", "able", "ible")
# ...unless a noun ending comes first ("poetry", "comedy", "journey", "fantasy", "melody", "city")...
NOUN_ENDINGS = ("ity", "ony", "ody", "ogy", "phy", "acy", "ncy", "ry", "ey", "ay", "oy", "edy", "asy")
# ...or the word is one of these nouns with an adjective's ending.
NOUNS_LIKE_ADJECTIVES = set(
    """
festival carnival recital interval signal animal ritual pedal crystal funeral medal petal manual portal
journal arrival proposal music logic topic clinic picnic mechanic panic critic republic tonic lyric
archive motive hive olive drive narrative perspective finish relish table cable fable bible
""".split()
)
# Adjectives ending in -ed are longer than "bed" or "red"; "-eed" words are nouns ("speed", "reed").
MIN_ED_ADJECTIVE = 5
# Endings and words that make a word a noun even where an adjective is expected ("It evokes nostalgia").
NOUN_SUFFIXES = ("tion", "sion", "ness", "ment", "ity", "ism", "ance", "ence", "ship", "hood", "edy", "ogy")
ABSTRACT_NOUNS = set(
    """
love drama horror action adventure nature space romance suspense nostalgia euphoria mystery fantasy joy
fear hope anger peace bliss grief sorrow passion chaos power glory heartbreak loss wonder awe dread rage
""".split()
)


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
    """'a' or 'an' for the sound the phrase starts with: letters of an initialism by their names ("an MC",
    "a UK rap"), numbers as said ("an 808", "a 90s"), and words by their first sound ("an hour", "a one")."""
    word = phrase.strip()
    if not word:
        return "a"
    if is_initialism(word):
        return "an" if word[0] in VOWEL_SOUND_LETTERS else "a"
    if word[0].isdigit():
        return "an" if VOWEL_SOUND_NUMBER.match(word) else "a"
    if SILENT_H.match(word):
        return "an"
    if AN_EXCEPTIONS.match(word):
        return "a"
    if re.match(r"^[aeiou]", word, re.IGNORECASE) or LETTER_NAMED_AN.match(word):
        return "an"
    return "a"


def is_initialism(phrase: str) -> bool:
    """Whether the phrase starts with letters read one by one: capitals with "&", digits, no vowel, or at
    most three of them ("R&B", "MPB", "EDM", "UK"); "ROCK" or "ASMR" are read as words."""
    token = re.match(r"[A-Za-z0-9&]*", phrase).group()
    if len(token) < 2 or not token[0].isalpha() or token.upper() != token:
        return False
    return len(token) <= 3 or "&" in token or not re.search(r"[AEIOU]", token) or token[-1].isdigit()


def looks_adjective(tag: str) -> bool:
    """Whether a one-word tag reads as an adjective by its ending ("smoky", "sparkly", "melodic",
    "reverb-drenched"); nouns ("poetry", "festival", "drive") and phrases do not."""
    if " " in tag.strip():
        return False
    word = tag.strip().lower().rsplit("-", 1)[-1]
    if len(word) < 4 or word in NOUNS_LIKE_ADJECTIVES or not word.isalpha():
        return False
    if word.endswith("ed"):
        return len(word) >= MIN_ED_ADJECTIVE and not word.endswith("eed")
    return word.endswith(ADJECTIVE_ENDINGS) and not word.endswith(NOUN_ENDINGS)


def looks_noun(tag: str) -> bool:
    """Whether a one-word tag reads as a noun by its ending or as a common abstract noun ("nostalgia",
    "love", "animation", "sadness"); adjectives and phrases do not."""
    word = tag.strip().lower()
    return " " not in word and (word in ABSTRACT_NOUNS or word.endswith(NOUN_SUFFIXES))


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
