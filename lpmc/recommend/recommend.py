"""Photo -> songs: rank a catalog by how well each song's tags match the photo's words and mood.

score = TEXT_WEIGHT * cosine(photo words, song tag document)      (MiniLM space)
      + MOOD_WEIGHT * (mood compatibility - 0.5)                  (valence-arousal plane, 0..1)
      + POPULARITY_WEIGHT * log(1 + listens) / log(1 + max listens)
then at most MAX_PER_ARTIST songs per artist. The photo's query vector is the weighted mean of its
words' vectors. Each result says why: the photo words (or the user's own words, labelled so) and song tags
that matched, and the mood match.
"""

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lpmc.errors import InputError
from lpmc.recommend import CATALOGS, MAX_TOP
from lpmc.recommend.analysis import ImageAnalysis, analyze_image
from lpmc.recommend.catalog import Catalog, embed_words, load_catalog
from lpmc.recommend.image import ImageSource
from lpmc.recommend.moods import compatibility, mood_distance
from lpmc.tasks import AUTO
from lpmc.text.embedding import embedder_name

TEXT_WEIGHT = 1.0
MOOD_WEIGHT = 0.3
POPULARITY_WEIGHT = 0.05
MAX_PER_ARTIST = 2
CANDIDATES_PER_RESULT = 20  # songs re-ranked for diversity, per requested result
WHY_MIN_SIMILARITY = 0.4  # photo word ~ song tag pairs below this are not worth showing
WHY_PAIRS = 3
WHY_MAX_MOOD_DISTANCE = 0.35  # two mood words further apart on the valence-arousal plane never "match"


@dataclass
class SongResult:
    title: str
    artist: str
    tags: list[str]
    derived_moods: dict[str, float]  # mood evidence guessed from the other tags (see catalog.py)
    score: float
    why: list[str]
    url: str | None = None
    path: str | None = None
    valence: float | None = None  # the song's point on the mood plane (0..1), None when unknown
    arousal: float | None = None


@dataclass
class Recommendation:
    analysis: ImageAnalysis
    songs: list[SongResult]
    catalog: str
    credit: str
    embedder: str  # the text-embedding model the words and songs were compared in

    def to_dict(self) -> dict[str, Any]:
        songs = []
        for song in self.songs:
            row = asdict(song)
            for key in ("url", "path", "valence", "arousal"):
                if row[key] is None:
                    del row[key]
            songs.append(row)
        return {
            "analysis": self.analysis.to_dict(),
            "songs": songs,
            "catalog": self.catalog,
            "credit": self.credit,
            "embedder": self.embedder,
        }


def recommend(
    image: ImageSource,
    text: str = "",
    catalog: str = "jamendo",
    top: int = 10,
    library: str | None = None,
    reader: str = AUTO,
) -> Recommendation:
    """Songs from `catalog` that fit the photo (path or PIL image) and optional text, best first.
    `library`: which of the server's libraries (LPMC_LIBRARY_DB) for catalog "library"; None: the first.
    `reader`: the image-understanding model ("auto": every available one)."""
    if catalog not in CATALOGS:
        raise InputError(f"Unknown catalog '{catalog}'; choose one of: {', '.join(CATALOGS)}.")
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"The number of songs must be between 1 and {MAX_TOP}; got {top}.")
    analysis = analyze_image(image, text, reader)
    songs = _open_catalog(catalog, library)
    text = " ".join(text.split())
    ranked = rank(analysis, songs, top, own_words={text} if text else set())
    return Recommendation(analysis, ranked, songs.name, songs.credit, embedder_name())


def _open_catalog(name: str, library: str | None) -> Catalog:
    if name != "library":
        return load_catalog(name)
    from lpmc.recommend.library import load_library

    return load_library(library)


def rank(
    analysis: ImageAnalysis, catalog: Catalog, top: int, own_words: Collection[str] = ()
) -> list[SongResult]:
    """The `top` best songs of `catalog` for the analysed photo, at most MAX_PER_ARTIST per artist.
    `own_words`: the user's words among the analysis' words, which the reasons label as theirs."""
    if len(catalog) == 0:
        return []
    words = analysis.words()
    word_vectors = embed_words(list(words))
    weights = np.array(list(words.values()), dtype=np.float32)
    photo = (analysis.valence, analysis.arousal)
    scores = MOOD_WEIGHT * (compatibility(photo, catalog.positions) - 0.5)
    if catalog.vectors is not None:
        query = weights @ word_vectors
        query /= max(float(np.linalg.norm(query)), 1e-9)
        scores = scores + TEXT_WEIGHT * (catalog.vectors @ query)
    peak = float(catalog.listens.max(initial=0))
    if peak > 0:
        scores = scores + POPULARITY_WEIGHT * np.log1p(catalog.listens) / np.log1p(peak)
    candidates = best_first(scores, top * CANDIDATES_PER_RESULT)
    chosen = diverse(candidates, catalog.artists, top)
    word_list = list(words)
    return [
        _result(catalog, i, float(scores[i]), (word_list, word_vectors, weights, own_words), photo)
        for i in chosen
    ]


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores (N,), largest first, without sorting all N."""
    k = min(k, len(scores))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    keep = np.argpartition(-scores, k - 1)[:k]
    return keep[np.argsort(-scores[keep], kind="stable")]


def diverse(order: np.ndarray, artists: list[str], top: int) -> list[int]:
    """The first `top` of `order` (best first) keeping at most MAX_PER_ARTIST songs per artist."""
    chosen, per_artist = [], {}
    for i in order:
        artist = artists[i].casefold()
        if per_artist.get(artist, 0) < MAX_PER_ARTIST:
            chosen.append(int(i))
            per_artist[artist] = per_artist.get(artist, 0) + 1
            if len(chosen) == top:
                break
    return chosen


def explain(
    words: list[str],
    word_vectors: np.ndarray,
    weights: np.ndarray,
    tag_vectors: dict[str, np.ndarray],
    own_words: Collection[str] = (),
) -> list[str]:
    """The strongest photo word ~ song tag pairs, e.g. "photo 'sunset' ~ song 'summer' (0.52)"; a word of
    `own_words` (the user's) reads "your words 'road trip' ~ song 'travel' (0.55)"."""
    if not tag_vectors:
        return []
    tags = list(tag_vectors)
    similarity = word_vectors @ np.stack([tag_vectors[t] for t in tags]).T  # (words, tags)
    # Text embeddings put antonyms close ("relaxing" ~ "energetic"); the mood plane tells them apart.
    for i, word in enumerate(words):
        for j, tag in enumerate(tags):
            if mood_distance(word, tag) > WHY_MAX_MOOD_DISTANCE:
                similarity[i, j] = 0.0
    pairs = []
    for j, tag in enumerate(tags):
        best = int(np.argmax(similarity[:, j] * weights))
        if similarity[best, j] >= WHY_MIN_SIMILARITY:
            pairs.append((similarity[best, j] * weights[best], words[best], tag, similarity[best, j]))
    pairs.sort(reverse=True)
    return [
        f"{'your words' if word in own_words else 'photo'} '{word}' ~ song '{tag}' ({sim:.2f})"
        for _, word, tag, sim in pairs[:WHY_PAIRS]
    ]


def _result(
    catalog: Catalog,
    i: int,
    score: float,
    query: tuple[list[str], np.ndarray, np.ndarray, Collection[str]],
    photo: tuple[float, float],
) -> SongResult:
    """Song i as a result; `query`: the photo's words, their vectors and weights, and the user's words."""
    words, word_vectors, weights, own_words = query
    song_tags = catalog.tags[i] + list(catalog.derived_moods[i])
    tag_vectors = {t: catalog.tag_vectors[t] for t in song_tags if t in catalog.tag_vectors}
    why = explain(words, word_vectors, weights, tag_vectors, own_words)
    valence, arousal = catalog.positions[i]
    known = not np.isnan(valence)
    if known:
        source = "derived " if catalog.derived_moods[i] else ""
        song_mood = f"valence {valence:.2f}, arousal {arousal:.2f}"
        why.append(f"{source}mood {song_mood} vs photo {photo[0]:.2f}, {photo[1]:.2f}")
    link = catalog.links[i] or None
    return SongResult(
        title=catalog.titles[i],
        artist=catalog.artists[i],
        tags=catalog.tags[i],
        derived_moods=catalog.derived_moods[i],
        score=round(score, 4),
        why=why,
        url=link if catalog.link_kind == "url" else None,
        path=link if catalog.link_kind == "path" else None,
        valence=round(float(valence), 3) if known else None,
        arousal=round(float(arousal), 3) if known else None,
    )
