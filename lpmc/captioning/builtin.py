"""The built-in captioner: describe every 10 s chunk from what the shipped models hear and what is measured.

For each chunk, the taggers' top tags (instruments, voices, genres: thresholded; moods: ranked) and the
measured descriptors (tempo, key, loudness, dynamics, brightness) form a tag list, and the Tags tab's
writer turns it into English. Only what a model or a measurement supports is mentioned: a silent chunk is
called silent and nothing else. After the first chunk, a caption says what changed ("Drums come in; the
tempo picks up to 128 BPM.") instead of repeating the description, and two consecutive chunks never share
a sentence word for word.
"""

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np

from lpmc import registry
from lpmc.captioning import descriptors as measure
from lpmc.tasks import TAGGING
from lpmc.text.writer import write_caption

NAME = "builtin-captioner"

MOOD_TAGGER = "jamendo-moodtheme"


@dataclass(frozen=True)
class TagRule:
    """Which tags of a tagger are kept for a chunk: at least `threshold`, at most `max_tags`, best first."""

    threshold: float
    max_tags: int


TAG_RULES = {
    "musicnn-mtt": TagRule(threshold=0.25, max_tags=4),
    "musicnn-msd": TagRule(threshold=0.2, max_tags=3),
    "choi2016-cnn": TagRule(threshold=0.25, max_tags=3),  # used when the pipeline is given Choi's results
    "choi2016-crnn": TagRule(threshold=0.25, max_tags=3),
}
# Taggers whose vocabulary has no classical label: on classical music their best genre is a forced guess
# (orchestral game music comes out as "jazz"), so their genres are ignored where MTT gives "classical"
# even moderate evidence (below the threshold for naming it).
NO_CLASSICAL_LABEL = {"musicnn-msd", "choi2016-cnn", "choi2016-crnn"}
CLASSICAL_EVIDENCE = 0.15
# Moods are ranked, not thresholded (the mood model's probabilities are low and uncalibrated).
MOODS_PER_CHUNK = 2
# Hysteresis, so tags near a threshold do not flicker from chunk to chunk: a tag heard in the chunk before
# stays down to KEEP_FACTOR x its threshold, and the chunk before's moods rank MOOD_KEEP_BONUS x higher.
KEEP_FACTOR = 0.7
MOOD_KEEP_BONUS = 1.3
# Chunk scores are averaged with their neighbours' (previous, own, next) before selection.
SMOOTHING_WEIGHTS = (0.25, 0.5, 0.25)

# Synonyms collapse to one word; None drops a tag. Dropped: decades and subjective or contextual labels
# the taggers are weakest at, and tempo/loudness words that the measurements state more precisely.
CANONICAL_TAGS: dict[str, str | None] = {
    "vocal": "vocals",
    "voice": "vocals",
    "singing": "vocals",
    "female": "female vocals",
    "woman": "female vocals",
    "female vocal": "female vocals",
    "female voice": "female vocals",
    "female vocalists": "female vocals",
    "female vocalist": "female vocals",
    "male": "male vocals",
    "man": "male vocals",
    "male vocal": "male vocals",
    "male voice": "male vocals",
    "male vocalists": "male vocals",
    "no vocals": "instrumental",
    "no vocal": "instrumental",
    "no voice": "instrumental",
    "classic": "classical",
    "beats": "beat",
    "choral": "choir",
    "electronica": "electronic",
    "electro": "electronic",
    "Mellow": "mellow",
    "chillout": "chill",
    "Hip-Hop": "hip hop",
    "House": "house",
    "Progressive rock": "progressive rock",
    "rnb": "r&b",
    "00s": None,
    "90s": None,
    "80s": None,
    "70s": None,
    "60s": None,
    "oldies": None,
    "sexy": None,
    "beautiful": None,
    "catchy": None,
    "weird": None,
    "party": None,
    "loud": None,
    "quiet": None,
}
# MTT's tempo feel is kept only when the measured pulse is too weak to state a tempo.
TEMPO_FEEL_TAGS = {"fast", "slow"}
VOCAL_TAGS = {"vocals", "female vocals", "male vocals", "choir", "opera"}
# Heard tags that name a part which can come in or drop out, and tags that name a style the music can lean
# toward; change sentences speak only of these.
PART_TAGS = VOCAL_TAGS | {
    "guitar",
    "strings",
    "drums",
    "piano",
    "beat",
    "violin",
    "synth",
    "sitar",
    "harpsichord",
    "flute",
    "harp",
    "cello",
}
STYLE_TAGS = {
    "classical",
    "techno",
    "electronic",
    "rock",
    "ambient",
    "indian",
    "pop",
    "new age",
    "dance",
    "country",
    "metal",
    "alternative",
    "indie",
    "alternative rock",
    "jazz",
    "classic rock",
    "soul",
    "indie rock",
    "folk",
    "punk",
    "blues",
    "hard rock",
    "experimental",
    "hip hop",
    "funk",
    "heavy metal",
    "progressive rock",
    "r&b",
    "indie pop",
    "house",
    "easy listening",
    "chill",
}
# Jamendo mood/theme tags that describe the music, in the words a caption uses; the others are contexts of
# use (advertising, christmas, sport...) that the model ranks poorly.
MOOD_WORDS = {
    "action": "exciting",
    "calm": "calm",
    "dark": "dark",
    "deep": "deep",
    "drama": "dramatic",
    "dramatic": "dramatic",
    "dream": "dreamy",
    "emotional": "emotional",
    "energetic": "energetic",
    "epic": "epic",
    "film": "cinematic",
    "fun": "fun",
    "funny": "playful",
    "groovy": "groovy",
    "happy": "happy",
    "heavy": "heavy",
    "hopeful": "hopeful",
    "inspiring": "inspiring",
    "love": "romantic",
    "meditative": "meditative",
    "melancholic": "melancholic",
    "motivational": "motivational",
    "movie": "cinematic",
    "positive": "positive",
    "powerful": "powerful",
    "relaxing": "relaxing",
    "romantic": "romantic",
    "sad": "sad",
    "soft": "soft",
    "trailer": "cinematic",
    "upbeat": "upbeat",
    "uplifting": "uplifting",
}
# "dark" and "warm" alone would read as moods; the measurement is about timbre.
TIMBRE_WORDS = {"dark": "dark timbre", "warm": "warm timbre"}
# The summary names the tags heard in at least this share of the sounding chunks.
SONG_TAG_SHARE = 0.3
# Two chunks whose heard tags overlap less than this (Jaccard) are described afresh, not as a change.
FRESH_DESCRIPTION_OVERLAP = 0.34
MAX_LISTED_CHANGES = 3  # tags named per "come in" / "drop out" clause


@dataclass
class ChunkAnalysis:
    """What is known about one chunk: heard tags (taggers), measured descriptors and their words."""

    start: float
    end: float
    heard: list[str]  # tagger tags after selection, best first (moods last)
    moods: list[str]
    measured: measure.Descriptors
    silence: str  # "silent", "near silent" or ""

    @property
    def tags(self) -> list[str]:
        """The chunk's grounded tags as shown to the user: heard tags, then measured words."""
        dynamics = measure.dynamics_word(self.measured.loudness_range_db)
        measured = sound_words(self.measured) + ([dynamics] if dynamics and not self.silence else [])
        return self.heard + [word for word in measured if word not in self.heard]


@dataclass
class SongAnalysis:
    chunks: list[ChunkAnalysis]
    song: measure.Descriptors
    song_tags: list[str]  # tags heard over much of the song (see song_level_tags)


def select_tags(
    scores_by_model: dict[str, np.ndarray],
    tags_by_model: dict[str, list[str]],
    previous: Collection[str] = (),
) -> tuple[list[str], list[str]]:
    """Grounded (tags, moods) from tag probabilities: per tagger (T,) scores and names -> canonical words.

    Thresholded taggers follow TAG_RULES; a tag in `previous` (the chunk before) stays down to
    KEEP_FACTOR x its threshold, so a tag hovering near the threshold does not come and go every chunk.
    Contradictions (vocals and instrumental, male and female vocals) keep the better-scored side. The mood
    tagger contributes its MOODS_PER_CHUNK best mood words, previous moods ranked up by MOOD_KEEP_BONUS.
    """
    scored: dict[str, float] = {}
    for model, rule in TAG_RULES.items():
        if model not in scores_by_model:
            continue
        scores = scores_by_model[model]
        distrust = model in NO_CLASSICAL_LABEL and _hears_classical(scores_by_model, tags_by_model)
        skipped = STYLE_TAGS if distrust else set()
        kept = 0
        for index in np.argsort(scores)[::-1]:
            tag = CANONICAL_TAGS.get(tags_by_model[model][index], tags_by_model[model][index])
            if tag in skipped:
                continue
            threshold = rule.threshold * (KEEP_FACTOR if tag in previous else 1.0)
            if scores[index] < rule.threshold * KEEP_FACTOR or kept == rule.max_tags:
                break
            if tag is not None and scores[index] >= threshold:
                scored[tag] = max(scored.get(tag, 0.0), float(scores[index]))
                kept += 1
    _resolve_contradictions(scored)
    tags = sorted(scored, key=scored.get, reverse=True)
    moods = _rank_moods(scores_by_model.get(MOOD_TAGGER), tags_by_model.get(MOOD_TAGGER, []), previous)
    return tags, moods


def _hears_classical(scores_by_model: dict[str, np.ndarray], tags_by_model: dict[str, list[str]]) -> bool:
    """True when a tagger that knows the label scores "classical" (or "classic") >= CLASSICAL_EVIDENCE."""
    evidence = [
        score
        for model, scores in scores_by_model.items()
        if model in TAG_RULES and model not in NO_CLASSICAL_LABEL
        for tag, score in zip(tags_by_model[model], scores, strict=True)
        if CANONICAL_TAGS.get(tag, tag) == "classical"
    ]
    return max(evidence, default=0.0) >= CLASSICAL_EVIDENCE


def _resolve_contradictions(scored: dict[str, float]) -> None:
    for first, second in (("instrumental", "vocals"), ("female vocals", "male vocals")):
        if first in scored and second in scored:
            del scored[first if scored[first] < scored[second] else second]
    if "instrumental" in scored:
        for tag in VOCAL_TAGS & set(scored):
            if scored[tag] < scored["instrumental"]:
                del scored[tag]


def _rank_moods(scores: np.ndarray | None, tags: list[str], previous: Collection[str]) -> list[str]:
    if scores is None:
        return []
    ranked: dict[str, float] = {}
    for tag, score in zip(tags, scores, strict=True):
        word = MOOD_WORDS.get(tag)
        if word:
            bonus = MOOD_KEEP_BONUS if word in previous else 1.0
            ranked[word] = max(ranked.get(word, 0.0), float(score) * bonus)
    return sorted(ranked, key=ranked.get, reverse=True)[:MOODS_PER_CHUNK]


def smooth_over_chunks(scores: np.ndarray) -> np.ndarray:
    """(C, T) chunk scores averaged with their neighbours (SMOOTHING_WEIGHTS), renormalised at the edges."""
    weights = np.asarray(SMOOTHING_WEIGHTS)
    reach = len(weights) // 2
    padded = np.pad(scores, ((reach, reach), (0, 0)))
    present = np.pad(np.ones((len(scores), 1)), ((reach, reach), (0, 0)))  # 0 for the padding
    smoothed = sum(weight * padded[k : k + len(scores)] for k, weight in enumerate(weights))
    coverage = sum(weight * present[k : k + len(scores)] for k, weight in enumerate(weights))
    return smoothed / coverage


def sound_words(chunk: measure.Descriptors) -> list[str]:
    """Loudness and brightness words a chunk's measurements support (silence alone when it is silent)."""
    if measure.is_silent(chunk.loudness_db) or chunk.loudness_db <= measure.NEAR_SILENT_DB:
        return [measure.loudness_word(chunk.loudness_db)]
    brightness = measure.brightness_word(chunk.centroid_hz)
    words = [measure.loudness_word(chunk.loudness_db), TIMBRE_WORDS.get(brightness, brightness)]
    return [word for word in words if word]


def dynamics_sentence(descriptors: measure.Descriptors) -> str:
    """A sentence on the loudness range (the writer has no words for dynamics); "" when unremarkable."""
    word = measure.dynamics_word(descriptors.loudness_range_db)
    if word == "wide dynamics":
        return f"Its loudness swings widely, over a {round(descriptors.loudness_range_db)} dB range."
    if word == "steady dynamics":
        return "Its loudness holds steady."
    return ""


def song_words(song: measure.Descriptors) -> list[str]:
    """Song-level measured words: tempo (when the pulse is clear), key (when clear), loudness, brightness."""
    words = [
        measure.tempo_word(song.tempo_bpm, song.tempo_clarity),
        measure.tempo_feel_word(song.tempo_bpm, song.tempo_clarity),
        song.key,
        measure.loudness_word(song.loudness_db),
        # only "bright": the summary style writes "sounding X", which does not fit "dark timbre"
        "bright" if measure.brightness_word(song.centroid_hz) == "bright" else None,
    ]
    return [word for word in words if word]


def analyse_song(
    audio: np.ndarray, sr: int, bounds: list[tuple[float, float]], tag_results: dict
) -> SongAnalysis:
    """Measure every chunk and pick its heard tags. audio: mono float32 at `sr` Hz; tag_results: model name ->
    TagResult over the same audio (only models in TAG_RULES or the mood tagger are read)."""
    measures = [measure.measure_chunk(audio[int(start * sr) : int(end * sr)], sr) for start, end in bounds]
    song = measure.summarize_song(measures)
    tempo_is_clear = measure.tempo_word(song.tempo_bpm, song.tempo_clarity) is not None
    tags_by_model = {name: list(result.tags) for name, result in tag_results.items()}
    chunk_scores = {
        name: smooth_over_chunks(result.chunk_scores(bounds)) for name, result in tag_results.items()
    }
    chunks: list[ChunkAnalysis] = []
    for index, ((start, end), chunk_measures) in enumerate(zip(bounds, measures, strict=True)):
        described = measure.describe_chunk(chunk_measures, song)
        silence = measure.loudness_word(described.loudness_db)
        silence = silence if silence in ("silent", "near silent") else ""
        tags: list[str] = []
        moods: list[str] = []
        if not silence:
            previous = chunks[-1].heard if chunks else []
            tags, moods = select_tags({n: s[index] for n, s in chunk_scores.items()}, tags_by_model, previous)
            tags = [tag for tag in tags if not (tempo_is_clear and tag in TEMPO_FEEL_TAGS)]
        heard = tags + [mood for mood in moods if mood not in tags]
        chunks.append(ChunkAnalysis(start, end, heard, moods, described, silence))
    return SongAnalysis(chunks, song, song_level_tags(chunks))


def song_level_tags(chunks: list[ChunkAnalysis]) -> list[str]:
    """Tags heard in at least SONG_TAG_SHARE of the sounding chunks, most frequent first, then the most
    frequent moods. Counting chunks (rather than thresholding mean scores) keeps the summary consistent
    with the chunk captions: a song that is orchestral for half its length is not summarised by a genre
    no chunk mentioned."""
    sounding = [chunk for chunk in chunks if not chunk.silence]
    counts = Counter(tag for chunk in sounding for tag in chunk.heard if tag not in chunk.moods)
    frequent = {tag: count for tag, count in counts.items() if count >= SONG_TAG_SHARE * len(sounding)}
    _resolve_contradictions(frequent)
    moods = Counter(mood for chunk in sounding for mood in chunk.moods).most_common(MOODS_PER_CHUNK)
    tags = sorted(frequent, key=frequent.get, reverse=True)
    return tags + [mood for mood, _ in moods if mood not in tags]


def song_taggers() -> list[str]:
    """The taggers whose tags the captioner reads (its registry entry's parts); the pipeline runs them for
    every song."""
    parts = registry.get(NAME).source.parts
    return [part for part in parts if registry.get(part).task == TAGGING]


class BuiltinCaptioner:
    """Writes chunk captions and a song summary from a SongAnalysis; holds no model of its own."""

    name = NAME

    def caption_chunks(
        self, audio: np.ndarray, analysis: SongAnalysis, batch_size: int
    ) -> Iterator[list[str]]:
        """The audio-captioning protocol: one caption per chunk, yielded as soon as it is written (the
        analysis already holds everything the captions say, so `audio` and `batch_size` are not needed)."""
        previous_text = ""
        previous: ChunkAnalysis | None = None
        # The first chunk with sound also states the song's tempo and key.
        first_sound = next((i for i, chunk in enumerate(analysis.chunks) if not chunk.silence), -1)
        for index, chunk in enumerate(analysis.chunks):
            text = self._caption(chunk, previous, analysis.song, index, index == first_sound)
            previous_text = _differ_from(text, previous_text, chunk)
            previous = chunk
            yield [previous_text]

    def summary(self, analysis: SongAnalysis) -> str:
        """A song-level caption from the song's heard tags and measured descriptors."""
        if measure.is_silent(analysis.song.loudness_db):
            return "The recording is silent."
        tags = analysis.song_tags + [w for w in song_words(analysis.song) if w not in analysis.song_tags]
        summary = write_caption(tags, style="summary")
        return _join_sentences(summary, dynamics_sentence(analysis.song))

    def _caption(
        self,
        chunk: ChunkAnalysis,
        previous: ChunkAnalysis | None,
        song: measure.Descriptors,
        index: int,
        states_song: bool,
    ) -> str:
        if chunk.silence:
            return "Silence." if chunk.silence == "silent" else "Near silence."
        if (
            previous is None
            or previous.silence
            or _overlap(chunk.heard, previous.heard) < FRESH_DESCRIPTION_OVERLAP
        ):
            tags = _fresh_tags(chunk, song, states_song)
            return _join_sentences(write_caption(tags, style="writing"), dynamics_sentence(chunk.measured))
        return describe_changes(chunk, previous, song) or continuation(chunk, variant=index)


def _fresh_tags(chunk: ChunkAnalysis, song: measure.Descriptors, states_song: bool) -> list[str]:
    """Tags for a chunk described from scratch, with the song's tempo and key when `states_song`."""
    tags = chunk.heard + [word for word in sound_words(chunk.measured) if word not in chunk.heard]
    if states_song:
        tempo = measure.tempo_word(song.tempo_bpm, song.tempo_clarity)
        feel = measure.tempo_feel_word(song.tempo_bpm, song.tempo_clarity)
        tags += [word for word in (tempo, feel, song.key) if word]
    elif measure.tempo_changed(chunk.measured.tempo_bpm, chunk.measured.tempo_clarity, song.tempo_bpm):
        tags.append(f"{round(chunk.measured.tempo_bpm)} bpm")
    return tags


def _overlap(first: list[str], second: list[str]) -> float:
    union = set(first) | set(second)
    return len(set(first) & set(second)) / len(union) if union else 1.0


def describe_changes(chunk: ChunkAnalysis, previous: ChunkAnalysis, song: measure.Descriptors) -> str:
    """One or two sentences on what differs from the previous chunk; "" when nothing clearly does."""
    arrivals = [tag for tag in chunk.heard if tag in PART_TAGS and tag not in previous.heard]
    departures = [tag for tag in previous.heard if tag in PART_TAGS and tag not in chunk.heard]
    styles = [tag for tag in chunk.heard if tag in STYLE_TAGS and tag not in previous.heard]
    clauses = []
    if arrivals:
        arrivals = arrivals[:MAX_LISTED_CHANGES]
        clauses.append(f"the {_join(arrivals)} {_verb(arrivals, 'comes', 'come')} in")
    if departures:
        departures = departures[:MAX_LISTED_CHANGES]
        clauses.append(f"the {_join(departures)} {_verb(departures, 'drops', 'drop')} out")
    if styles:
        clauses.append(f"the style leans toward {_join(styles[:MAX_LISTED_CHANGES])}")
    new_moods = [mood for mood in chunk.moods if mood not in previous.moods]
    if new_moods:
        clauses.append(f"the mood turns {_join(new_moods)}")
    clauses += [
        clause for clause in (_tempo_change(chunk, previous, song), _sound_change(chunk, previous)) if clause
    ]
    if not clauses:
        return ""
    first, *rest = clauses
    sentence = first[0].upper() + first[1:]
    return sentence + ("; " + ", and ".join(rest) if rest else "") + "."


def _tempo_change(chunk: ChunkAnalysis, previous: ChunkAnalysis, song: measure.Descriptors) -> str:
    now = measure.tempo_changed(chunk.measured.tempo_bpm, chunk.measured.tempo_clarity, song.tempo_bpm)
    before = measure.tempo_changed(
        previous.measured.tempo_bpm, previous.measured.tempo_clarity, song.tempo_bpm
    )
    if now:
        bpm = chunk.measured.tempo_bpm
        reference = previous.measured.tempo_bpm if before else song.tempo_bpm
        if before and abs(bpm / reference - 1.0) < measure.TEMPO_CHANGE_FRACTION:
            return ""
        return f"the tempo {'picks up' if bpm > reference else 'slows'} to {round(bpm)} BPM"
    if before and measure.tempo_word(song.tempo_bpm, song.tempo_clarity):
        return f"the tempo settles back to {round(song.tempo_bpm)} BPM"
    return ""


def _sound_change(chunk: ChunkAnalysis, previous: ChunkAnalysis) -> str:
    level = measure.relative_loudness_word(chunk.measured.loudness_db, previous.measured.loudness_db)
    brightness = measure.brightness_change_word(chunk.measured.centroid_hz, previous.measured.centroid_hz)
    parts = [f"it gets {level}"] if level else []
    if brightness:
        parts.append(f"the sound turns {brightness}")
    return " and ".join(parts)


# Sentences for a chunk that sounds like the one before: {parts} are instruments/voices, {style} a style.
PART_CONTINUATIONS = (
    "The {parts} {carries} on{mood}.",
    "More of the same: the {parts}{mood}.",
    "The {parts} {continues}{mood}.",
)
STYLE_CONTINUATIONS = ("The {style} passage continues{mood}.", "It stays in the same {style} vein{mood}.")
SILENCE_CONTINUATIONS = {
    "silent": ("Silence continues.", "Still silent."),
    "near silent": ("Near silence continues.", "Still near silent."),
}
PLAIN_CONTINUATIONS = ("The music continues{mood}.", "It goes on in the same way{mood}.")


def continuation(chunk: ChunkAnalysis, variant: int = 0) -> str:
    """A sentence for a chunk that sounds like the one before it, naming what is still heard."""
    parts = [tag for tag in chunk.heard if tag in PART_TAGS][:2]
    styles = [tag for tag in chunk.heard if tag in STYLE_TAGS][:1]
    mood = f", still {_join(chunk.moods)}" if chunk.moods else ""
    # Cycling through every sentence that fits keeps a long steady stretch from reading like a loop.
    templates = (PART_CONTINUATIONS if parts else ()) + (STYLE_CONTINUATIONS if styles else ())
    templates = templates or PLAIN_CONTINUATIONS
    text = templates[variant % len(templates)].format(
        parts=_join(parts) if parts else "",
        carries=_verb(parts, "carries", "carry"),
        continues=_verb(parts, "continues", "continue"),
        style=_join(styles),
        mood=mood,
    )
    return text[0].upper() + text[1:]


def _differ_from(text: str, previous_text: str, chunk: ChunkAnalysis) -> str:
    """`text` without the sentences the previous caption already had; a fresh continuation if none is left."""
    previous_sentences = set(_sentences(previous_text))
    kept = [sentence for sentence in _sentences(text) if sentence not in previous_sentences]
    if kept:
        return " ".join(kept)
    if chunk.silence:
        fallbacks = SILENCE_CONTINUATIONS[chunk.silence]
    else:
        count = len(PART_CONTINUATIONS) + len(STYLE_CONTINUATIONS)
        fallbacks = [continuation(chunk, variant) for variant in range(count)]
    fresh = [candidate for candidate in fallbacks if not set(_sentences(candidate)) & previous_sentences]
    return fresh[0] if fresh else fallbacks[-1]


def _sentences(text: str) -> list[str]:
    """Sentences of a caption, split after ., ! or ? followed by a space."""
    parts, start = [], 0
    for index, char in enumerate(text):
        if char in ".!?" and (index + 1 == len(text) or text[index + 1] == " "):
            parts.append(text[start : index + 1].strip())
            start = index + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def _join_sentences(*texts: str) -> str:
    return " ".join(text for text in texts if text)


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"; "" for no items."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _verb(items: list[str], singular: str, plural: str) -> str:
    only = items[0] if len(items) == 1 else ""
    return singular if only and not (only.endswith("s") and not only.endswith("ss")) else plural


def load_builtin_captioner(files: dict) -> BuiltinCaptioner:
    """Registry loader: the built-in captioner has no files of its own (its taggers are separate entries)."""
    return BuiltinCaptioner()
