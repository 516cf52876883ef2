"""What is known about each 10 s chunk of a song: the tags the taggers heard there and what was measured.

Tag scores are first averaged with the neighbouring chunks' (so a tag does not flicker); then each
tagger's tags are thresholded (instruments, voices, genres) or ranked (moods), put in the captioner's
words (lpmc.captioning.vocabulary), and contradictions resolved. A genre must also be agreed on by the
taggers that know it (GENRE_AGREEMENT). A tag heard in the chunk before needs
less evidence to stay. Silent chunks hear nothing. The song's own tags are those heard over much of it.
"""

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

import numpy as np

from lpmc.captioning import descriptors as measure
from lpmc.captioning.vocabulary import canonical_tag, style_tags, tempo_feel_tags, vocal_tags
from lpmc.tagging.result import TagResult
from lpmc.vocabulary import mood_family

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
# A genre (style tag) is named only when the taggers agree: its score averaged over every thresholded
# tagger whose vocabulary has it (a tagger's synonyms count once, at their best) is at least this. One
# tagger's weak genre guess (MSD hears "jazz" at 0.3 in orchestral game music while MTT hears no genre)
# is not enough; a genre only one tagger knows needs that tagger's score alone to reach it.
GENRE_AGREEMENT = 0.4
# Moods are ranked, not thresholded (the mood model's probabilities are low and uncalibrated).
MOODS_PER_CHUNK = 2
# Hysteresis, so tags near a threshold do not flicker from chunk to chunk: a tag heard in the chunk before
# stays down to KEEP_FACTOR x its threshold, and the chunk before's moods rank MOOD_KEEP_BONUS x higher.
KEEP_FACTOR = 0.7
MOOD_KEEP_BONUS = 1.3
# Chunk scores are averaged with their neighbours' (previous, own, next) before selection.
SMOOTHING_WEIGHTS = (0.25, 0.5, 0.25)
# "dark" and "warm" alone would read as moods; the measurement is about timbre.
TIMBRE_WORDS = {"dark": "dark timbre", "warm": "warm timbre"}
# The song's tags are those heard in at least this share of the sounding chunks.
SONG_TAG_SHARE = 0.3


@dataclass
class ChunkAnalysis:
    """What is known about one chunk: heard tags (taggers), measured descriptors and their words."""

    start: float  # seconds
    end: float  # seconds
    heard: list[str]  # tagger tags after selection, best first (moods last)
    moods: list[str]
    measured: measure.Descriptors
    silence: str  # "silent", "near silent" or ""
    brightness: str | None = None  # measure.brightness_word, kept from the chunk before near a limit
    dynamics: str | None = None  # measure.dynamics_word, likewise

    @property
    def tags(self) -> list[str]:
        """The chunk's grounded tags as shown to the user: heard tags, then measured words."""
        dynamics = [self.dynamics] if self.dynamics and not self.silence else []
        return self.heard + [word for word in sound_words(self) + dynamics if word not in self.heard]


class SongAnalysis:
    """Every chunk's analysis, in order, and the song as a whole (`song`, measured up front).

    A chunk is analysed when it is first asked for (`chunk`, `iter_chunks`): its tag scores are smoothed
    with the next chunk's, so it needs the taggers' results up to the end of the next chunk, which
    `tag_results_until(seconds)` (tagger name -> TagResult over the windows starting before `seconds`)
    provides. A captioner that reads chunks in order can so write the first captions of a long song
    before its end has been tagged; reading `chunks` or `song_tags` analyses (and tags) the whole song.
    """

    def __init__(
        self,
        bounds: list[tuple[float, float]],
        measures: list[measure.ChunkMeasures],
        tag_results_until: Callable[[float], dict[str, TagResult]],
    ) -> None:
        self.song = measure.summarize_song(measures)
        self._bounds = bounds
        self._measures = measures
        self._tag_results_until = tag_results_until
        self._analysed: list[ChunkAnalysis] = []

    def __len__(self) -> int:
        return len(self._bounds)

    def chunk(self, index: int) -> ChunkAnalysis:
        """Chunk `index`'s analysis (analysing the chunks before it first, as each depends on the last)."""
        while len(self._analysed) <= index:
            self._analysed.append(self._analyse(len(self._analysed)))
        return self._analysed[index]

    def iter_chunks(self) -> Iterator[ChunkAnalysis]:
        """Every chunk's analysis, in order, each analysed when reached."""
        return (self.chunk(index) for index in range(len(self)))

    @property
    def chunks(self) -> list[ChunkAnalysis]:
        """Every chunk's analysis (the whole song is tagged first, if it was not yet)."""
        return list(self.iter_chunks())

    @property
    def song_tags(self) -> list[str]:
        """Tags heard over much of the song (see song_level_tags)."""
        return song_level_tags(self.chunks)

    def _analyse(self, index: int) -> ChunkAnalysis:
        start, end = self._bounds[index]
        described = measure.describe_chunk(self._measures[index], self.song)
        silence = measure.loudness_word(described.loudness_db)
        silence = silence if silence in ("silent", "near silent") else ""
        before = self._analysed[-1] if index else None
        brightness = measure.brightness_word(described.centroid_hz, before.brightness if before else None)
        dynamics = measure.dynamics_word(described.loudness_range_db, before.dynamics if before else None)
        heard: list[str] = []
        moods: list[str] = []
        if not silence:
            results = self._tag_results_until(self._tagged_until(index))
            scores = {name: self._smoothed(result, index) for name, result in results.items()}
            tags_by_model = {name: list(result.tags) for name, result in results.items()}
            tags, moods = select_tags(scores, tags_by_model, before.heard if before else [])
            if measure.tempo_word(self.song.tempo_bpm, self.song.tempo_clarity) is not None:
                tags = [tag for tag in tags if tag not in tempo_feel_tags()]  # the measured tempo says it
            heard = tags + [mood for mood in moods if mood not in tags]
        return ChunkAnalysis(start, end, heard, moods, described, silence, brightness, dynamics)

    def _tagged_until(self, index: int) -> float:
        """Seconds up to which chunk `index` needs the taggers' results: the end of the next chunk."""
        return self._bounds[index + 1][1] if index + 1 < len(self) else math.inf

    def _smoothed(self, result: TagResult, index: int) -> np.ndarray:
        """Chunk `index`'s (T,) scores averaged with its neighbours' (SMOOTHING_WEIGHTS)."""
        first = max(index - 1, 0)
        neighbours = self._bounds[first : index + 2]
        return smooth_over_chunks(result.chunk_scores(neighbours))[index - first]


def analyse_song(
    audio: np.ndarray,
    sr: int,
    bounds: list[tuple[float, float]],
    tag_results: dict[str, TagResult] | Callable[[float], dict[str, TagResult]],
) -> SongAnalysis:
    """Measure every chunk now and analyse the chunks when asked for (SongAnalysis). audio: mono float32 (n,)
    at `sr` Hz; bounds: (start, end) of each chunk in seconds; tag_results: model name -> TagResult over the
    same audio, or a function giving those over the windows starting before a time (seconds); only models
    in TAG_RULES or the mood tagger are read."""
    measures = [measure.measure_chunk(audio[int(start * sr) : int(end * sr)], sr) for start, end in bounds]
    until = tag_results if callable(tag_results) else lambda seconds: tag_results
    return SongAnalysis(bounds, measures, until)


def heard_word(model: str, tag: str) -> str | None:
    """What a chunk's heard tags call `model`'s `tag`: a mood word for the mood tagger, the captioner's
    word for the others; None for a tag never said."""
    return mood_family(tag) if model == MOOD_TAGGER else canonical_tag(tag)


def select_tags(
    scores_by_model: dict[str, np.ndarray],
    tags_by_model: dict[str, list[str]],
    previous: Collection[str] = (),
) -> tuple[list[str], list[str]]:
    """Grounded (tags, moods) from tag probabilities: per tagger (T,) scores and names -> canonical words.

    Thresholded taggers follow TAG_RULES; a genre must also reach GENRE_AGREEMENT across the taggers. A tag
    in `previous` (the chunk before) stays down to KEEP_FACTOR x its thresholds, so a tag hovering near a
    threshold does not come and go every chunk.
    Contradictions (vocals and instrumental, male and female vocals) keep the better-scored side. The mood
    tagger contributes its MOODS_PER_CHUNK best mood words, previous moods ranked up by MOOD_KEEP_BONUS.
    """
    scored: dict[str, float] = {}
    agreement = genre_agreement(scores_by_model, tags_by_model)
    for model, rule in TAG_RULES.items():
        if model not in scores_by_model:
            continue
        scores = scores_by_model[model]
        distrust = model in NO_CLASSICAL_LABEL and _hears_classical(scores_by_model, tags_by_model)
        skipped = style_tags() if distrust else set()
        kept = 0
        for index in np.argsort(scores)[::-1]:
            tag = canonical_tag(tags_by_model[model][index])
            if tag in skipped:
                continue
            keep = KEEP_FACTOR if tag in previous else 1.0
            if scores[index] < rule.threshold * KEEP_FACTOR or kept == rule.max_tags:
                break
            if tag in agreement and agreement[tag] < GENRE_AGREEMENT * keep:
                continue
            if tag is not None and scores[index] >= rule.threshold * keep:
                scored[tag] = max(scored.get(tag, 0.0), float(scores[index]))
                kept += 1
    _resolve_contradictions(scored)
    tags = sorted(scored, key=scored.get, reverse=True)
    moods = _rank_moods(scores_by_model.get(MOOD_TAGGER), tags_by_model.get(MOOD_TAGGER, []), previous)
    return tags, moods


def genre_agreement(
    scores_by_model: dict[str, np.ndarray], tags_by_model: dict[str, list[str]]
) -> dict[str, float]:
    """Each genre's score averaged over the thresholded taggers (TAG_RULES) whose vocabulary has it."""
    scores_by_genre: dict[str, list[float]] = {}
    for model in TAG_RULES.keys() & scores_by_model.keys():
        best: dict[str, float] = {}
        for tag, score in zip(tags_by_model[model], scores_by_model[model], strict=True):
            genre = canonical_tag(tag)
            if genre in style_tags():
                best[genre] = max(best.get(genre, 0.0), float(score))
        for genre, score in best.items():
            scores_by_genre.setdefault(genre, []).append(score)
    return {genre: float(np.mean(scores)) for genre, scores in scores_by_genre.items()}


def _hears_classical(scores_by_model: dict[str, np.ndarray], tags_by_model: dict[str, list[str]]) -> bool:
    """True when a tagger that knows the label scores "classical" (or "classic") >= CLASSICAL_EVIDENCE."""
    evidence = [
        score
        for model, scores in scores_by_model.items()
        if model in TAG_RULES and model not in NO_CLASSICAL_LABEL
        for tag, score in zip(tags_by_model[model], scores, strict=True)
        if canonical_tag(tag) == "classical"
    ]
    return max(evidence, default=0.0) >= CLASSICAL_EVIDENCE


def _resolve_contradictions(scored: dict[str, float]) -> None:
    for first, second in (("instrumental", "vocals"), ("female vocals", "male vocals")):
        if first in scored and second in scored:
            del scored[first if scored[first] < scored[second] else second]
    if "instrumental" in scored:
        for tag in vocal_tags() & set(scored):
            if scored[tag] < scored["instrumental"]:
                del scored[tag]


def _rank_moods(scores: np.ndarray | None, tags: list[str], previous: Collection[str]) -> list[str]:
    if scores is None:
        return []
    ranked: dict[str, float] = {}
    for tag, score in zip(tags, scores, strict=True):
        word = mood_family(tag)
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


def sound_words(chunk: ChunkAnalysis) -> list[str]:
    """Loudness and brightness words a chunk's measurements support (silence alone when it is silent)."""
    loudness = chunk.measured.loudness_db
    if measure.is_silent(loudness) or loudness <= measure.NEAR_SILENT_DB:
        return [measure.loudness_word(loudness)]
    words = [measure.loudness_word(loudness), TIMBRE_WORDS.get(chunk.brightness, chunk.brightness)]
    return [word for word in words if word]


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
