"""The built-in writer: music tags -> fluent English, offline, deterministic, in five styles.

Each tag is classified (lpmc.text.lexicon) as genre, instrument, vocal, tempo, key, mood, sound, quality,
era, usage context..., then every group becomes one clause in the order music descriptions usually follow:
what it is, who plays and sings, tempo and key, mood, sound, recording quality, where it fits. Tags are
used as written and none is dropped: a tag the writer cannot place is still named in a closing clause,
a tag in another language is kept as written and said to be, and an emoji is named by its Unicode name.
Each clause puts a word where its part of speech fits ("It sounds smoky.", "It evokes love.").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lpmc.text import english, lexicon, script
from lpmc.text.english import join, paragraph, sentence, with_article
from lpmc.text.prompts import STYLES

# How many instruments one sentence lists before the rest go to a second sentence.
INSTRUMENTS_PER_SENTENCE = 4
MOODS_PER_SENTENCE = 4
# Heads that name someone (or something) singing, so "... singing over ..." reads right.
SINGER_HEADS = set(
    """
vocal vocals voice voices singer singers vocalist vocalists choir choirs rapper rappers soprano alto
tenor baritone crooner duet
""".split()
)
SOUND_NOUNS = set("noise reverb echo echoes delay distortion fuzz glitch compression feedback".split())
# Context heads and the preposition that goes with them ("at a party", "in a movie", "for meditation").
AT_PLACES = set(
    """
party parties wedding weddings concert festival festivals club clubs bar pub ceremony celebration
church restaurant cafe beach dinner casino spa birthday christmas runway lounge gym stadium
""".split()
)
ON_OCCASIONS = set(
    "night nights evening morning afternoon day days weekend sunset sunrise trip drive ride journey".split()
)
FOR_ACTIVITIES = set(
    """
meditation prayer yoga workout workouts exercise fitness study studying sleep sleeping relaxation
driving travel worship massage sports sport dancing motivation gaming running focus
""".split()
)
# A context said alone takes its own words: "at night", "in summer", "in the background".
BARE_CONTEXTS = {
    "night": "at night",
    "morning": "in the morning",
    "afternoon": "in the afternoon",
    "evening": "in the evening",
    "background": "in the background",
    "rain": "in the rain",
    "summer": "in summer",
    "winter": "in winter",
    "spring": "in spring",
    "autumn": "in autumn",
}
# A context that already says where or when ("late at night", "in the car") is used as it is.
ADVERBIAL = re.compile(r"^(?:\S+\s+)*?(?:at|in|on|during|while|when|after|before)\s", re.IGNORECASE)
# Filler after a genre or a use ("dance music", "meditation song"); other words are kept.
FILLER_SUFFIX = re.compile(r"\s+(?:music|songs?)$")
QUALITY_WORDING = re.compile(r"\s*\b(?:audio|sound|recording|music)?[\s-]*quality\b.*$", re.IGNORECASE)
# The subject names this many genres; further ones get their own sentence.
GENRES_IN_SUBJECT = 2
# Genre tags that already name the thing ("love song", "ballad"), so no "song" follows them.
SONG_NOUNS = set("song songs piece tune track ballad lullaby anthem hymn carol jingle".split())


@dataclass
class Groups:
    """Tags sorted into lexicon categories, each list in the user's order."""

    tags: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, category: str) -> list[str]:
        return self.tags.get(category, [])


def group_tags(tags: list[str], use_embeddings: bool = True) -> Groups:
    """Classify tags and group them by category (input order kept inside a group)."""
    groups = Groups()
    for tag, category in zip(tags, lexicon.classify(tags, use_embeddings), strict=True):
        groups.tags.setdefault(category, []).append(tag)
    return groups


# Clauses: each turns one group into words, or "" when the group is empty.


def split_genres(groups: Groups) -> tuple[list[str], list[str]]:
    """(genres the subject names, the rest), as they read before a noun ('dance music' -> 'dance').

    The subject takes up to GENRES_IN_SUBJECT genres the lexicon knows ("rock", "dance music"); genres
    only placed by meaning ("rich country traditions") read better as "elements of ..." afterwards."""
    names = [
        FILLER_SUFFIX.sub("", g) if english.head_word(g) == "music" else g for g in groups[lexicon.GENRE]
    ]
    known = [
        name
        for name, g in zip(names, groups[lexicon.GENRE], strict=True)
        if lexicon.lexicon_category(g) == lexicon.GENRE
    ]
    subject = known[:GENRES_IN_SUBJECT] or names[:1]
    return subject, [name for name in names if name not in subject]


def names_the_music(groups: Groups) -> bool:
    """Whether some tag says what the music is, so the caption can open with 'This is a ... song'."""
    return any(
        groups[category]
        for category in (lexicon.GENRE, lexicon.ORIGIN, lexicon.KIND, lexicon.ERA, lexicon.INSTRUMENTAL)
    )


def subject_phrase(groups: Groups) -> str:
    """'an 80s Japanese city pop song', 'an instrumental piece', 'a live performance of a ballad song'."""
    instrumental = bool(groups[lexicon.INSTRUMENTAL])
    genres = split_genres(groups)[0]
    noun = "piece" if instrumental else "song"
    if genres and english.head_word(genres[-1]) in SONG_NOUNS:
        noun = ""
    modifiers = (
        join(groups[lexicon.ERA]),
        join(groups[lexicon.ORIGIN]),
        "instrumental" if instrumental else "",
    )
    described = " ".join(part for part in (*modifiers, join(genres), noun) if part)
    subject = with_article(described)
    if groups[lexicon.KIND]:
        return f"{with_article(join(groups[lexicon.KIND]))} of {subject}"
    return subject


def more_genres_sentence(groups: Groups) -> str:
    """Genres beyond the subject's: 'It also has elements of gospel and soul.', 'It also has orchestral
    elements.'"""
    rest = split_genres(groups)[1]
    return sentence(f"it also has {elements(rest)}") if rest else ""


def elements(genres: list[str]) -> str:
    """'elements of gospel and soul', 'orchestral and industrial elements': adjectives go before the noun."""
    adjectives = [genre for genre in genres if english.looks_adjective(genre)]
    nouns = [genre for genre in genres if genre not in adjectives]
    return join(
        [f"{join(adjectives)} elements" if adjectives else "", f"elements of {join(nouns)}" if nouns else ""]
    )


def features_clause(groups: Groups) -> tuple[str, list[str]]:
    """'a male vocal singing over an acoustic guitar and a groovy bass line', plus instruments left over."""
    vocals = [with_article(vocal) for vocal in groups[lexicon.VOCAL]]
    instruments = [with_article(instrument) for instrument in groups[lexicon.INSTRUMENT]]
    first, rest = instruments[:INSTRUMENTS_PER_SENTENCE], instruments[INSTRUMENTS_PER_SENTENCE:]
    if vocals and first:
        singers = all(
            english.head_word(vocal) in SINGER_HEADS and "instrumental" not in vocal.lower()
            for vocal in groups[lexicon.VOCAL]
        )
        link = "singing over" if singers else "along with"
        return f"{join(vocals)} {link} {join(first)}", rest
    return join(vocals or first), rest


def tempo_clause(groups: Groups, lead: str = "The song") -> str:
    """'The tempo is medium', 'The song is uptempo at about 120 BPM in a minor key'."""
    paces, bare, beats = [], [], []
    for tag in groups[lexicon.TEMPO]:
        match = lexicon.BPM_PATTERN.match(lexicon.normalise(tag))
        pace = re.sub(r"\s*\btempos?$", "", tag, flags=re.IGNORECASE).strip(" ’'")
        if match:
            beats.append(f"{match.group(1)} BPM")
        elif pace != tag and pace:
            paces.append(pace)
        else:
            bare.append(tag)
    bpm = f"at about {join(beats, 'or')}" if beats else ""
    keys = [key_phrase(key) for key in groups[lexicon.KEY]]
    key = f"in {join(keys)}" if keys else ""
    if paces:
        text = f"the tempo is {join(paces)}" + (f" and the song is {join(bare)}" if bare else "")
    elif bare:
        text = f"{lead} is {join(bare)}"
    elif bpm or key:
        text = f"{lead} moves" if bpm else f"{lead} is"
    else:
        return ""
    return " ".join(part for part in (text, bpm, key) if part)


def key_phrase(tag: str) -> str:
    """'minor key' -> 'a minor key', 'C minor' -> 'C minor', 'major' -> 'a major key'."""
    text = lexicon.normalise(tag)
    if text in ("minor", "major"):
        return f"a {text} key"
    if text in ("minor key", "major key"):
        return f"a {text}"
    return tag


@dataclass
class Moods:
    """A mood group as words fit to say: adjectives ('happy'), nouns ('love') and phrases ('a party
    mood')."""

    adjectives: list[str]
    nouns: list[str]
    phrases: list[str]


def moods(groups: Groups) -> Moods:
    words = [mood for mood in groups[lexicon.MOOD] if len(mood.split()) == 1]
    nouns = [word for word in words if english.looks_noun(word)]
    return Moods(
        adjectives=[word for word in words if word not in nouns],
        nouns=nouns,
        phrases=[with_article(mood) for mood in groups[lexicon.MOOD] if len(mood.split()) > 1],
    )


def mood_sentences(groups: Groups, lead: str = "The song") -> list[str]:
    """'The song is emotional and passionate.', 'It is also fun and groovy.', 'It evokes love.', 'It has a
    happy mood.'"""
    found = moods(groups)
    first, rest = found.adjectives[:MOODS_PER_SENTENCE], found.adjectives[MOODS_PER_SENTENCE:]
    sentences = [
        f"{lead} is {join(first)}" if first else "",
        f"it is also {join(rest)}" if rest else "",
        f"it evokes {join(found.nouns)}" if found.nouns else "",
        f"it has {join(found.phrases)}" if found.phrases else "",
    ]
    return [sentence(text) for text in sentences if text]


def mood_clause(found: Moods) -> str:
    """'it feels happy and calm, evoking love, with a party mood', 'it has a story-telling mood', or ''."""
    evoking = f"evoking {join(found.nouns)}" if found.nouns else ""
    having = f"with {join(found.phrases)}" if found.phrases else ""
    if found.adjectives:
        return ", ".join(part for part in (f"it feels {join(found.adjectives)}", evoking, having) if part)
    if found.nouns:
        return ", ".join(part for part in (f"it evokes {join(found.nouns)}", having) if part)
    return f"it has {join(found.phrases)}" if found.phrases else ""


def sound_clause(groups: Groups) -> str:
    """'it sounds loud and bright, with reverb and a clean sound'."""
    adjectives = [tag for tag in groups[lexicon.SOUND] if is_adjective(tag)]
    nouns = [with_article(tag) for tag in groups[lexicon.SOUND] if tag not in adjectives]
    if adjectives:
        text = f"it sounds {join(adjectives)}" + (f", with {join(nouns)}" if nouns else "")
    elif nouns:
        text = f"there {'are' if english.is_plural(nouns[0]) else 'is'} {join(nouns)}"
    else:
        return ""
    return text


def likeness_clause(groups: Groups) -> str:
    """'it sounds like a 90s video game and feels like summer': a likeness in the user's own words."""
    likenesses = []
    for tag in groups[lexicon.LIKENESS]:
        verb, like = lexicon.LIKENESS_PATTERN.match(lexicon.normalise(tag)).groups()
        said = tag.strip()[-len(like) :]  # the likeness as the user wrote it
        likenesses.append(f"{'feels' if verb and verb.startswith('feel') else 'sounds'} like {said}")
    return f"it {join(likenesses)}" if likenesses else ""


def is_adjective(tag: str) -> bool:
    """Whether a one-word sound tag can follow "it sounds": the lexicon's sound, quality and mood
    adjectives ("loud", "noisy", "calm"), or a word shaped like an adjective ("chirpy"); not "reverb"."""
    word = tag.lower()
    known = lexicon.word_lists()
    described = (known.sound | known.quality | known.mood) - SOUND_NOUNS
    return len(tag.split()) == 1 and (word in described or english.looks_adjective(word))


def quality_clause(groups: Groups) -> str:
    """'the audio quality is low and the recording is noisy and in mono'."""
    grades, states, things = [], [], []
    for tag in groups[lexicon.QUALITY]:
        text = lexicon.normalise(tag)
        if re.search(r"\bquality\b", text):
            grades.append(QUALITY_WORDING.sub("", tag).strip() or tag)
        elif text in ("mono", "stereo"):
            states.append(f"in {tag}")
        elif len(text.split()) == 1:
            states.append(tag)
        else:
            things.append(with_article(tag))
    parts = []
    if grades:
        parts.append(f"the audio quality is {join(grades)}")
    if states:
        parts.append(f"the recording is {join(states)}")
    if things:
        parts.append(
            f"it is {join(things)}"
            if english.head_word(things[0]) == "recording"
            else f"it has {join(things)}"
        )
    return join(parts, "and")


def context_phrase(tag: str) -> str:
    """'movie soundtrack' -> 'in a movie soundtrack', 'meditation music' -> 'for meditation', 'road trip'
    -> 'on a road trip', 'summer' -> 'in summer', 'late at night' as it is."""
    place = FILLER_SUFFIX.sub("", tag.strip()) or tag.strip()
    head = english.head_word(place)
    if place.lower() in BARE_CONTEXTS:
        return BARE_CONTEXTS[place.lower()]
    if ADVERBIAL.match(place):
        return place
    if head in FOR_ACTIVITIES:
        return f"for {place}"
    if head in AT_PLACES:
        return f"at {with_article(place)}"
    if head in ON_OCCASIONS:
        return f"on {with_article(place)}"
    return f"in {with_article(place)}"


def context_sentence(groups: Groups, lead: str = "This song") -> str:
    places = [context_phrase(tag) for tag in groups[lexicon.CONTEXT]]
    return sentence(f"{lead} could be played {join(places, 'or')}") if places else ""


def absence_clause(groups: Groups) -> str:
    """'there is no percussion and no voices'."""
    absent = [
        tag
        for tag in groups[lexicon.ABSENCE] + groups[lexicon.INSTRUMENTAL]
        if lexicon.ABSENCE_PATTERN.match(lexicon.normalise(tag))
    ]
    if not absent:
        return ""
    verb = "are" if english.is_plural(absent[0]) else "is"
    return f"there {verb} {join(absent)}"


def other_sentences(groups: Groups) -> list[str]:
    """Tags no category fits are still named, as written ('It is also described as banger.'); so are emoji,
    with their names, and tags in other languages, said to be kept as written."""
    others, kept = groups[lexicon.OTHER], kept_as_written(groups)
    return [
        sentence(f"it is also described as {join(others)}") if others else "",
        sentence(f"its tags also include {join(kept)}") if kept else "",
    ]


def kept_as_written(groups: Groups) -> list[str]:
    """'🎻 (violin)', and the tags in other languages as one item: '케이팝 and 댄스 (kept as written)'."""
    emoji = [
        f"{tag} ({script.emoji_name(tag)})" if script.emoji_name(tag) else tag
        for tag in groups[lexicon.EMOJI]
    ]
    foreign = groups[lexicon.OTHER_LANGUAGE]
    return emoji + ([f"{join(foreign)} (kept as written)"] if foreign else [])


def unnamed_phrase(groups: Groups, more: Sequence[str] = ()) -> str:
    """What a one-sentence caption says of the tags no clause places (and of `more`): 'described as
    banger', 'tagged 🎻 (violin)'."""
    others, kept = [*groups[lexicon.OTHER], *more], kept_as_written(groups)
    return join([f"described as {join(others)}" if others else "", f"tagged {join(kept)}" if kept else ""])


# A caption opens by naming the song, even when no tag says what it is: "It sounds smoky." -> "This song
# sounds smoky."; "Its tags also include 🎻 (violin)." -> "This song is tagged 🎻 (violin)."
OPENINGS = (
    (re.compile(r"^It is also described as "), "This song is described as "),
    (re.compile(r"^Its tags also include "), "This song is tagged "),
    (re.compile(r"^(?:It|The song) "), "This song "),
    (re.compile(r"^There (?:is|are) "), "This song has "),
)


def name_the_song(text: str) -> str:
    for pattern, opening in OPENINGS:
        if pattern.match(text):
            return pattern.sub(opening, text, count=1)
    return text


def unnamed_instrumental(groups: Groups) -> list[str]:
    """'instrumental music' and similar tags the subject phrase only says as 'instrumental'."""
    return [
        tag
        for tag in groups[lexicon.INSTRUMENTAL]
        if not lexicon.ABSENCE_PATTERN.match(lexicon.normalise(tag))
        and lexicon.normalise(tag) != "instrumental"
    ]


# Styles


def write_writing(groups: Groups) -> str:
    """Sentences the way a person describes a clip: what, who plays, tempo, mood, sound, quality, use."""
    has_subject = names_the_music(groups)
    features, more_instruments = features_clause(groups)
    sentences = []
    if has_subject and features:
        sentences.append(f"This is {subject_phrase(groups)} that features {features}.")
    elif has_subject:
        sentences.append(f"This is {subject_phrase(groups)}.")
    elif features:
        sentences.append(f"This song features {features}.")
    if more_instruments:
        sentences.append(f"It also has {join(more_instruments)}.")
    sentences += [
        more_genres_sentence(groups),
        sentence(tempo_clause(groups)),
        *mood_sentences(groups),
        sentence(sound_clause(groups)),
        sentence(likeness_clause(groups)),
        sentence(quality_clause(groups)),
        sentence(absence_clause(groups)),
        context_sentence(groups),
        *other_sentences(groups),
    ]
    extra = unnamed_instrumental(groups)
    if extra:
        sentences.append(sentence(f"it is {join(extra)}"))
    sentences = [text for text in sentences if text]
    return paragraph([name_the_song(sentences[0]), *sentences[1:]])


def write_summary(groups: Groups) -> str:
    """One sentence: the subject, then every other group as a short clause after a semicolon."""
    features, more_instruments = features_clause(groups)
    found = moods(groups)
    subject = subject_phrase(groups)
    if found.adjectives and not groups[lexicon.KIND]:
        subject = with_article(f"{join(found.adjectives)} {re.sub(r'^(?:a|an) ', '', subject)}")
        found.adjectives = []
    if features or more_instruments:
        subject += f" with {join([features, *more_instruments])}"
    unnamed = unnamed_phrase(groups, unnamed_instrumental(groups))
    bare = not (names_the_music(groups) or features)
    if bare and unnamed:
        subject, unnamed, bare = f"{subject} {unnamed}", "", False
    rest = split_genres(groups)[1]
    places = [context_phrase(tag) for tag in groups[lexicon.CONTEXT]]
    clauses = [
        f"blending in {join(rest)}" if rest else "",
        tempo_clause(groups, lead="it"),
        mood_clause(found),
        sound_clause(groups),
        likeness_clause(groups),
        quality_clause(groups),
        absence_clause(groups),
        f"fit to be played {join(places, 'or')}" if places else "",
        f"also {unnamed}" if unnamed else "",
    ]
    clauses = [clause for clause in clauses if clause]
    if bare and clauses and clauses[0].startswith("it "):
        subject = f"{subject} that {clauses.pop(0).removeprefix('it ')}"  # "a song that sounds smoky"
    return sentence("; ".join([subject, *clauses]))


def write_paraphrase(groups: Groups) -> str:
    """The same facts in livelier, freer wording."""
    features, more_instruments = features_clause(groups)
    subject = subject_phrase(groups)
    unnamed = "" if names_the_music(groups) or features else unnamed_phrase(groups)
    if unnamed:
        subject += f" {unnamed}"
    sentences = [f"Picture {subject}" + (f" built around {features}" if features else "") + "."]
    if more_instruments:
        fill = english.agree(more_instruments, "fills", "fill")
        sentences.append(f"Underneath, {join(more_instruments)} {fill} out the arrangement.")
    tempo = tempo_clause(groups, lead="It")
    if tempo:
        sentences.append(sentence(tempo))
    rest = split_genres(groups)[1]
    if rest:
        sentences.append(f"There are touches of {join(rest)} too.")
    feeling = mood_clause(moods(groups))
    if feeling:
        sentences.append(sentence("the whole thing " + feeling.removeprefix("it ")))
    sentences += [
        sentence(sound_clause(groups)),
        sentence(likeness_clause(groups)),
        sentence(quality_clause(groups)),
        sentence(absence_clause(groups)),
    ]
    places = [context_phrase(tag) for tag in groups[lexicon.CONTEXT]]
    if places:
        sentences.append(f"It would sit perfectly {join(places, 'or')}.")
    if not unnamed:
        sentences += other_sentences(groups)
    extra = unnamed_instrumental(groups)
    if extra:
        sentences.append(sentence(f"think {join(extra)}"))
    return paragraph(sentences)


def write_playlist(groups: Groups) -> str:
    """A playlist blurb from what its songs share: 'A blend of calm ambient tracks with a piano.'"""
    found = moods(groups)
    words, phrases = found.adjectives, [*found.nouns, *found.phrases]
    genres = [*split_genres(groups)[0], *split_genres(groups)[1]]
    modifiers = [*groups[lexicon.ERA], *(["instrumental"] if groups[lexicon.INSTRUMENTAL] else [])]
    described = " ".join(part for part in (join(words), join(modifiers), join(genres), "tracks") if part)
    features, more_instruments = features_clause(groups)
    parts = [features, *more_instruments] if features else more_instruments
    sentences = [
        f"A blend of {described}" + (f" with {join(parts)}" if parts else "") + ".",
        sentence(f"among them {join([with_article(kind) for kind in groups[lexicon.KIND]])}")
        if groups[lexicon.KIND]
        else "",
        sentence(f"they share {join(phrases)}") if phrases else "",
        sentence(tempo_clause(groups, lead="The playlist")),
        sentence(sound_clause(groups)),
        sentence(quality_clause(groups)),
        sentence(absence_clause(groups)),
        context_sentence(groups, lead="This playlist"),
        *other_sentences(groups),
    ]
    extra = unnamed_instrumental(groups)
    if extra:
        sentences.append(sentence(f"it is {join(extra)}"))
    return paragraph(sentences)


WRITERS = {
    "writing": write_writing,
    "summary": write_summary,
    "paraphrase": write_paraphrase,
    "attribute_prediction": write_writing,
    "playlist": write_playlist,
}


def write_caption(tags: list[str], style: str = "writing") -> str:
    """Write a caption from music tags, offline and deterministically.

    `tags` are short descriptors in any order (best first if ranked): genres ("rock"), instruments with
    their playing or sound ("electric guitar", "groovy bass line"), vocals ("male vocals"), tempo
    ("fast tempo", "120 bpm"), key ("minor key"), mood ("melancholic"), sound ("loud", "bright"),
    recording quality ("low quality", "mono"), era ("80s"), usage ("movie soundtrack"). Every tag is used
    as written; unknown tags are placed by meaning (MiniLM) or named at the end, never dropped.
    Example: ["rock", "electric guitar", "male vocals", "fast tempo", "120 bpm", "minor key", "loud",
    "bright"] -> "This is a rock song that features male vocals singing over an electric guitar. The tempo
    is fast at about 120 BPM in a minor key. It sounds loud and bright."
    `style` is one of STYLES ("attribute_prediction" writes like "writing"; the new attributes come from
    lpmc.text.cooccurrence). Tags are expected cleaned (see lpmc.text.parse_tags); returns "" for none.
    """
    if style not in WRITERS:
        raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    tags = [lexicon.written_form(tag.strip()) for tag in tags if tag and tag.strip()]
    if not tags:
        return ""
    return WRITERS[style](group_tags(tags))
