"""Every caption checked against its tags: which tags it expresses, and which of its claims contradict one.

No model is asked. Coverage: a tag is expressed when each of its words is in the caption (in any
inflection, or as a synonym from assets/vocabulary/checks.json: "vocals" ~ "singer"), or when a phrase of
the caption means the same in MiniLM space ("a man sings" ~ "male vocals"). A tag in another language is
expressed only when the caption keeps it as written; an emoji also by its name ("🎻" ~ "violin").

Contradictions: what the caption says about tempo (slow or fast, BPM), feeling (opposite quadrants of
Russell's valence-arousal plane, at lpmc.vocabulary.feeling_position), voice (vocals or instrumental),
recording quality (low or high) and genre family (jazz or metal) is compared with what the tags say. A
claim contradicts when a tag says the opposite and no tag says the same. Each contradiction is a sentence
made only of lpmc's own words and numbers, so it can go back into an LLM's prompt without a user's text.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from lpmc.text import lexicon, script
from lpmc.text.english import join
from lpmc.vocabulary import feeling_position, read_vocabulary

# A caption phrase at least this close to a tag in MiniLM space expresses it: the lowest similarity that
# another clip's human caption reaches for under 5% of MusicCaps dev tags (their own caption: 16%), as
# `python bench/tag2caption.py --calibrate` prints it.
MIN_PHRASE_SIMILARITY = 0.62
# Words a tag may say that a caption need not repeat ("dance music" is expressed by "a dance song", "low
# quality recording" by "the audio quality is low").
FILLER_WORDS = frozenset(
    "a an the of and with in on for to s music song songs track tracks tune sound sounds audio recording"
    " style genre type kind very some".split()
)
# A caption's sentences split here into phrases, each compared with the tags by meaning.
PHRASE_BREAK = re.compile(
    r"[.,;:!?()\"]|\s(?:and|with|while|but|over|that|which|as|along|featuring|where|whose)\s"
)
WORD = re.compile(r"[a-z0-9&]+")

TEMPO, FEELING, VOICE, QUALITY, GENRE = "tempo", "feeling", "voice", "recording quality", "genre"
OPPOSITES = {
    "slow": "fast",
    "fast": "slow",
    "happy": "sad",
    "sad": "happy",
    "calm": "tense",
    "tense": "calm",
    "vocal": "instrumental",
    "instrumental": "vocal",
    "low": "high",
    "high": "low",
}
# Tempo words and numbers. BPM at or below SLOW_BPM reads slow, at or above FAST_BPM fast; two BPM that
# differ by more than BPM_TOLERANCE (a fraction) disagree.
SLOW_BPM, FAST_BPM, BPM_TOLERANCE = 90, 120, 0.1
_DEGREE = r"(?:very |quite |rather |fairly |pretty |really )?"
TEMPO_PATTERNS = {
    "slow": re.compile(
        rf"\b(?:slow|leisurely)[- ](?:tempo|paced?|speed|song|track|piece|ballad|tune|number)\b"
        rf"|\bdown-?tempo\b|\b(?:tempo|pace|song|track|piece|tune) (?:is|was|feels|stays) {_DEGREE}slow\b"
    ),
    "fast": re.compile(
        rf"\b(?:fast|quick|rapid|brisk)[- ](?:tempo|paced?|speed|song|track|piece|tune|number)\b"
        rf"|\bup-?tempo\b|\b(?:tempo|pace|song|track|piece|tune) (?:is|was|feels|stays) {_DEGREE}"
        r"(?:fast|quick|rapid|brisk)\b"
    ),
}
TAG_TEMPO = re.compile(r"^(?:very )?(slow|fast|quick)$")  # a tag may say only "slow"
BPM = re.compile(r"\b(\d{2,3})\s*(?:bpm|beats per minute)\b")
VOICE_PATTERNS = {
    "vocal": re.compile(
        r"\b(?:sings?|singing|sung|singers?|vocals?|vocalists?|voices?|raps?|rapping|rappers?|lyrics"
        r"|choir|crooning|crooner|soprano|alto|tenor|baritone)\b(?!-(?:like|free))"
    ),
    "instrumental": re.compile(
        r"\binstrumental (?:song|piece|track|music|version|composition|tune|number|work)\b"
        r"|\b(?:is|entirely|purely|completely|fully|all) instrumental\b|\bvocal-free\b"
        r"|\b(?:no|without any|without) (?:vocals?|voices?|singing|singers?|lyrics)\b"
    ),
}
_LOW, _HIGH = r"(?:low|poor|bad|terrible|awful|mediocre|inferior)", r"(?:high|good|great|excellent|superb)"
_QUALITY = r"(?:audio |sound |recording )?quality"
QUALITY_PATTERNS = {
    "low": re.compile(
        rf"\b{_LOW}[- ]{_QUALITY}\b|\b{_QUALITY} (?:is|was) {_DEGREE}{_LOW}\b|\bamateur(?:ish)? recording\b"
    ),
    "high": re.compile(
        rf"\b(?:{_HIGH}|pristine|studio|professional)[- ]{_QUALITY}\b|\b{_QUALITY} (?:is|was) {_DEGREE}"
        rf"{_HIGH}\b|\bprofessionally (?:recorded|produced|mixed|mastered)\b|\bhi-?fi\b"
    ),
}
# A claim is taken back by a negation just before it: "no vocals", "not fast", "isn't sad".
NEGATED = re.compile(
    r"(?:\b(?:no|not|never|without|nor|neither|lacks?|lacking|absence of|rather than|instead of)\b|n't\b)"
    r"(?:\W+\w+){0,2}\W*$"
)
# A genre name followed by one of these describes an instrument or a sound: "classical guitar", "ambient
# noise".
NOT_A_GENRE_BEFORE = frozenset("noise noises sound sounds room background effect effects".split())
# Feelings are compared by quadrant of the valence-arousal plane, only when clearly inside one.
CLEARLY_LOW, CLEARLY_HIGH = 0.3, 0.7


@dataclass
class CaptionCheck:
    """Which tags a caption expresses (in the tags' order), which it does not, and its contradictions."""

    coverage: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """Something a text says about one aspect: `values` ("slow"; a genre's families), in the `said` words."""

    aspect: str
    values: frozenset[str]
    said: str
    bpm: int = 0


def check_caption(tags: list[str], caption_text: str, use_embeddings: bool = True) -> CaptionCheck:
    """Check `caption_text` against `tags`; `use_embeddings=False` compares words only (no MiniLM)."""
    sentences, contradicted = contradictions(tags, caption_text)
    expressed = expressed_tags(tags, caption_text, use_embeddings, contradicted)
    return CaptionCheck(
        coverage=[tag for tag in tags if tag in expressed],
        missing=[tag for tag in tags if tag not in expressed],
        contradictions=sentences,
    )


# Coverage


@functools.cache
def _synonyms() -> dict[str, frozenset[str]]:
    groups = read_vocabulary("checks")["synonyms"]
    return {stem(word): frozenset(map(stem, group)) for group in groups for word in group}


def stem(word: str) -> str:
    """A word without its plural ending: "drums" -> "drum", "melodies" -> "melody", "bass" stays."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(("s", "x", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def caption_words(text: str) -> set[str]:
    """The caption's words, stemmed, and each pair of neighbours run together ("lo fi" -> "lofi")."""
    words = [stem(word) for word in WORD.findall(text.lower())]
    return set(words) | {stem(first + second) for first, second in zip(words, words[1:], strict=False)}


def said_in_words(phrase: str, words: set[str]) -> bool:
    """Whether every meaningful word of `phrase` (or its synonym) is among the caption's `words`, or the
    phrase's words run together are ("lo-fi" ~ "lofi")."""
    tokens = [stem(word) for word in WORD.findall(phrase.lower())]
    content = [word for word in tokens if word not in FILLER_WORDS and len(word) > 1] or tokens
    if not content:
        return False
    present = all(word in words or _synonyms().get(word, frozenset()) & words for word in content)
    return present or stem("".join(tokens)) in words


def readings(tag: str) -> list[str]:
    """The English texts a tag can be recognised by: as typed and as the writer spells it, or an emoji's
    name; none for a tag in another language (only its exact text counts)."""
    kind = script.text_kind(tag)
    if kind == script.EMOJI:
        return [script.emoji_name(tag)] if script.emoji_name(tag) else []
    if kind == script.OTHER_LANGUAGE:
        return []
    return list(dict.fromkeys([tag, lexicon.written_form(tag)]))


def kept_as_written(tag: str, caption_text: str) -> bool:
    """Whether a tag not in English words (another language, emoji) is in the caption exactly as typed."""
    if script.text_kind(tag) == script.ENGLISH:
        return False  # English is compared word by word: "pop" is not in "popular"
    return (
        unicodedata.normalize("NFC", tag).casefold() in unicodedata.normalize("NFC", caption_text).casefold()
    )


def expressed_tags(
    tags: list[str], caption_text: str, use_embeddings: bool, contradicted: set[str] = frozenset()
) -> set[str]:
    """The tags the caption says in words, or by meaning unless it contradicts them (an opposite is close
    in MiniLM space: "fast tempo" ~ "slow tempo")."""
    words = caption_words(caption_text)
    expressed = {
        tag
        for tag in tags
        if kept_as_written(tag, caption_text)
        or any(said_in_words(reading, words) for reading in readings(tag))
    }
    unread = [tag for tag in tags if tag not in (expressed | contradicted) and readings(tag)]
    if unread and use_embeddings:
        expressed |= expressed_by_meaning(unread, caption_text)
    return expressed


def caption_phrases(text: str) -> list[str]:
    """Phrases of a caption, cut at punctuation and at words that join clauses."""
    return [phrase.strip() for phrase in PHRASE_BREAK.split(text) if len(phrase.strip()) > 1]


def expressed_by_meaning(tags: list[str], caption_text: str) -> set[str]:
    """Tags with a caption phrase at least MIN_PHRASE_SIMILARITY close in MiniLM space; none when the
    embedder cannot load (the check then counts words only)."""
    from lpmc.errors import LpmcError
    from lpmc.text.embedding import embed

    phrases = caption_phrases(caption_text)
    if not phrases:
        return set()
    try:
        vectors = embed([readings(tag)[-1] for tag in tags] + phrases)
    except (LpmcError, ImportError, OSError):
        return set()
    similarity = vectors[: len(tags)] @ vectors[len(tags) :].T
    return {tag for tag, row in zip(tags, similarity, strict=True) if row.max() >= MIN_PHRASE_SIMILARITY}


# Contradictions


def contradictions(tags: list[str], caption_text: str) -> tuple[list[str], set[str]]:
    """(a sentence for each claim of the caption that a tag contradicts and no tag supports, those tags)."""
    by_tag = {tag: claims(lexicon.written_form(tag), is_tag=True) for tag in tags}
    sentences: dict[str, None] = {}  # in order, once each
    contradicted = set()
    for claim in claims(caption_text):
        same_aspect = [other for found in by_tag.values() for other in found if other.aspect == claim.aspect]
        opposed = opposing(claim, same_aspect)
        if opposed:
            tagged = join(list(dict.fromkeys(f'"{other.said}"' for other in opposed)))
            aspect = claim.aspect.capitalize()
            sentences[f'{aspect}: the description says "{claim.said}" but the tags say {tagged}.'] = None
            contradicted |= {tag for tag, found in by_tag.items() if set(found) & set(opposed)}
    return list(sentences), contradicted


def opposing(claim: Claim, tag_claims: list[Claim]) -> list[Claim]:
    """The tags' claims (of the same aspect) that a caption's claim contradicts: none when a tag says the
    same, except that two BPM can still disagree by number."""
    if any(other.values & claim.values for other in tag_claims):
        return [other for other in tag_claims if bpm_disagree(claim, other)]
    return [other for other in tag_claims if opposes(claim, other)]


def opposes(claim: Claim, other: Claim) -> bool:
    """Whether a tag's claim says the opposite of the caption's (any other family, for genres)."""
    if claim.aspect == GENRE:
        return not claim.values & other.values
    opposite = {OPPOSITES[value] for value in claim.values if value in OPPOSITES}
    return bool(opposite & other.values) or bpm_disagree(claim, other)


def bpm_disagree(claim: Claim, other: Claim) -> bool:
    return bool(claim.bpm and other.bpm) and abs(claim.bpm - other.bpm) > BPM_TOLERANCE * other.bpm


def claims(text: str, is_tag: bool = False) -> list[Claim]:
    """What a text says about tempo, feeling, voice, recording quality and genre family."""
    lowered = " ".join(text.lower().split())
    found = [
        *pattern_claims(lowered, TEMPO, TEMPO_PATTERNS),
        *bpm_claims(lowered),
        *feeling_claims(lowered),
        *pattern_claims(lowered, VOICE, VOICE_PATTERNS),
        *pattern_claims(lowered, QUALITY, QUALITY_PATTERNS),
        *genre_claims(lowered),
    ]
    if is_tag:
        found += tag_only_claims(lowered)
    return found


def tag_only_claims(tag: str) -> list[Claim]:
    """What a tag says in fewer words than a sentence would: "slow", "weird instrumental"."""
    found = []
    bare_tempo = TAG_TEMPO.match(tag)
    if bare_tempo:
        pace = "fast" if bare_tempo.group(1) == "quick" else bare_tempo.group(1)
        found.append(Claim(TEMPO, frozenset([pace]), bare_tempo.group(1)))
    if re.search(r"\binstrumental\b", tag) or lexicon.lexicon_category(tag) == lexicon.INSTRUMENTAL:
        found.append(Claim(VOICE, frozenset(["instrumental"]), "instrumental"))
    return found


def said_plainly(text: str, start: int) -> bool:
    """Whether the words at `start` are not taken back by a negation just before them."""
    return not NEGATED.search(text[max(0, start - 40) : start])


def pattern_claims(text: str, aspect: str, patterns: dict[str, re.Pattern]) -> list[Claim]:
    return [
        Claim(aspect, frozenset([value]), match.group())
        for value, pattern in patterns.items()
        for match in pattern.finditer(text)
        if said_plainly(text, match.start())
    ]


def bpm_claims(text: str) -> list[Claim]:
    found = []
    for match in BPM.finditer(text):
        bpm = int(match.group(1))
        pace = "slow" if bpm <= SLOW_BPM else "fast" if bpm >= FAST_BPM else "medium"
        found.append(Claim(TEMPO, frozenset([pace]), f"{bpm} BPM", bpm))
    return found


def feeling_claims(text: str) -> list[Claim]:
    found = []
    for match in WORD.finditer(text):
        position = feeling_position(match.group())
        quadrant = feeling_quadrant(*position) if position else None
        if quadrant and said_plainly(text, match.start()):
            found.append(Claim(FEELING, frozenset([quadrant]), match.group()))
    return found


def feeling_quadrant(valence: float, arousal: float) -> str | None:
    """ "happy" (pleasant, excited), "sad" (unpleasant, subdued), "calm" (pleasant, subdued), "tense"
    (unpleasant, excited); None near either axis."""
    if CLEARLY_LOW < valence < CLEARLY_HIGH or CLEARLY_LOW < arousal < CLEARLY_HIGH:
        return None
    pleasant, excited = valence >= CLEARLY_HIGH, arousal >= CLEARLY_HIGH
    return {(True, True): "happy", (False, False): "sad", (True, False): "calm", (False, True): "tense"}[
        (pleasant, excited)
    ]


@functools.cache
def _genre_families() -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    families: dict[str, set[str]] = {}
    for family, names in read_vocabulary("checks")["genre_families"].items():
        for name in names:
            families.setdefault(name, set()).add(family)
    names = sorted(families, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w&-])")
    return pattern, {name: frozenset(found) for name, found in families.items()}


def genre_claims(text: str) -> list[Claim]:
    """Genre names with their families; not when an instrument or a sound follows ("classical guitar")."""
    pattern, families = _genre_families()
    instruments = lexicon.word_lists().instrument
    found = []
    for match in pattern.finditer(text):
        following = WORD.match(text, match.end() + 1) if text[match.end() : match.end() + 1] == " " else None
        describes = following and following.group() in instruments | NOT_A_GENRE_BEFORE
        if not describes and said_plainly(text, match.start()):
            found.append(Claim(GENRE, families[match.group()], match.group()))
    return found
