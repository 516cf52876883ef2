"""Photo -> songs: rank a catalog by how well each song's tags match the photo's words and mood.

score = TEXT_WEIGHT * cosine(photo words, song tag document)      (MiniLM space)
      + MOOD_TAG_WEIGHT * mood tag match                          (0..1, see mood_match)
      + MOOD_WEIGHT * (mood compatibility - 0.5)                  (valence-arousal plane, 0..1)
      + POPULARITY_WEIGHT * log(1 + listens) / log(1 + max listens)
then at most MAX_PER_ARTIST songs per artist (merged catalogs: each source's best in turn), and no song
with an explicit title or artist name (unless LPMC_EXPLICIT_FILTER=0). The query vector is the weighted
mean of the words' vectors. Each result says why: the words (the photo's, or yours) and song tags that
matched, and the mood match.
"""

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lpmc import settings
from lpmc.errors import InputError
from lpmc.recommend import CATALOGS, MAX_TOP
from lpmc.recommend.analysis import ImageAnalysis, analyze_image
from lpmc.recommend.catalog import Catalog, embed_words, load_catalog, merge_catalogs
from lpmc.recommend.image import ImageSource
from lpmc.recommend.moods import compatibility, mood_distance
from lpmc.tasks import AUTO
from lpmc.text.embedding import embedder_name
from lpmc.vocabulary import mood_family

TEXT_WEIGHT = 1.0
MOOD_TAG_WEIGHT = 0.3
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
    source: str | None = None  # the catalog the song comes from, when several were merged ("all")
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
            for key in ("url", "path", "source", "valence", "arousal"):
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
    image: ImageSource | None,
    text: str = "",
    catalog: str = "jamendo",
    top: int = 10,
    library: str | None = None,
    reader: str = AUTO,
) -> Recommendation:
    """Songs from `catalog` that fit the photo (path or PIL image) and the user's text, best first; either
    may be left out (image None, text "") but not both.
    `library`: which of the server's libraries (LPMC_LIBRARY_DB) for catalog "library"; None: the first.
    `reader`: the image-understanding model ("auto": every available one)."""
    if catalog not in CATALOGS:
        raise InputError(f"Unknown catalog '{catalog}'; choose one of: {', '.join(CATALOGS)}.")
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"The number of songs must be between 1 and {MAX_TOP}; got {top}.")
    analysis = analyze_image(image, text, reader)
    songs = _open_catalog(catalog, library)
    text = " ".join(text.split())
    ranked = rank(analysis, songs, top)
    return Recommendation(analysis, ranked, songs.name, songs.credit, embedder_name())


def _open_catalog(name: str, library: str | None) -> Catalog:
    from lpmc.recommend.library import load_library

    if name == "library":
        return load_library(library)
    if name != "all":
        return load_catalog(name)
    catalogs = [load_catalog("jamendo"), load_catalog("pmemo")]
    try:
        catalogs.append(load_library(library))
    except InputError:
        if library is not None:  # a library the user named must exist; the default one is optional here
            raise
    return merge_catalogs(catalogs)


def rank(analysis: ImageAnalysis, catalog: Catalog, top: int) -> list[SongResult]:
    """The `top` best songs of `catalog` for the analysed photo, at most MAX_PER_ARTIST per artist, none
    explicit while `settings.explicit_filter()`."""
    if len(catalog) == 0:
        return []
    words = analysis.words()
    word_vectors = embed_words(list(words))
    weights = np.array(list(words.values()), dtype=np.float32)
    photo = (analysis.valence, analysis.arousal)
    scores = MOOD_WEIGHT * (compatibility(photo, catalog.positions) - 0.5)
    scores = scores + MOOD_TAG_WEIGHT * mood_match(analysis.mood_words, max(words.values()), catalog)
    if catalog.vectors is not None:
        query = weights @ word_vectors
        query /= max(float(np.linalg.norm(query)), 1e-9)
        scores = scores + TEXT_WEIGHT * (catalog.vectors @ query)
    peak = float(catalog.listens.max(initial=0))
    if peak > 0:
        scores = scores + POPULARITY_WEIGHT * np.log1p(catalog.listens) / np.log1p(peak)
    if settings.explicit_filter():
        scores = np.where(catalog.explicit, -np.inf, scores)
    if catalog.sources:
        candidates = interleaved(scores, catalog.sources, top * CANDIDATES_PER_RESULT)
    else:
        candidates = best_first(scores, top * CANDIDATES_PER_RESULT)
    candidates = candidates[np.isfinite(scores[candidates])]
    chosen = diverse(candidates, catalog.artists, top)
    named = [(word, analysis.shown_as(word)) for word in words]
    wanted = (*photo, "photo" if analysis.colour is not None else "your words")
    return [_result(catalog, i, float(scores[i]), named, word_vectors, weights, wanted) for i in chosen]


def interleaved(scores: np.ndarray, sources: list[str], k: int) -> np.ndarray:
    """For a merged catalog: each source's k best songs (scores (N,)), taken in turn - the best of each
    source, then the second of each... - so every source is heard whatever its scores' range (PMEmo is
    matched on mood alone and scores lower than songs matched on their tags too)."""
    labels = np.array(sources)
    ranked = []
    for source in dict.fromkeys(sources):
        rows = np.flatnonzero(labels == source)
        ranked.append(rows[best_first(scores[rows], k)])
    turns = [
        rows[turn] for turn in range(max(len(rows) for rows in ranked)) for rows in ranked if turn < len(rows)
    ]
    return np.array(turns, dtype=np.int64)


def mood_match(moods: dict[str, float], strongest: float, catalog: Catalog) -> np.ndarray:
    """How well each song's mood tags match the mood words -> (N,) in [0, 1]: the best match over the
    song's moods of (the mood word's weight relative to `strongest`, the heaviest word of the query) x
    (the song's evidence for it: 1 tagged, less when derived). Moods match by family ("love" matches
    "romantic"); a user's words that name no mood ("christmas") still outweigh the photo's moods."""
    columns, table = catalog.mood_table
    wanted: dict[int, float] = {}
    for word, weight in moods.items():
        column = columns.get(mood_family(word) or "")
        if column is not None:
            wanted[column] = max(weight, wanted.get(column, 0.0))
    if not wanted:
        return np.zeros(len(catalog), dtype=np.float32)
    weights = np.array([weight / strongest for weight in wanted.values()], dtype=np.float32)
    return (table[:, list(wanted)] * weights).max(1)


def best_first(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores (N,), largest first, without sorting all N."""
    k = min(k, len(scores))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    keep = np.argpartition(-scores, k - 1)[:k]
    return keep[np.argsort(-scores[keep], kind="stable")]


def diverse(order: np.ndarray, artists: list[str], top: int) -> list[int]:
    """The first `top` of `order` (best first) keeping at most MAX_PER_ARTIST songs per artist; songs
    whose artist is unknown ("") are not capped."""
    chosen, per_artist = [], {}
    for i in order:
        artist = artists[i].casefold()
        if not artist or per_artist.get(artist, 0) < MAX_PER_ARTIST:
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
    shown: list[str] | None = None,
) -> list[str]:
    """The strongest word ~ song tag pairs, e.g. "photo 'sunset' ~ song 'summer' (0.52)" or
    "your words: 'nostalgic' (melancholic) ~ song 'melancholic' (1.00)". `shown`: how each word is named
    (default "photo '<word>'")."""
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
            pairs.append((similarity[best, j] * weights[best], best, tag, similarity[best, j]))
    pairs.sort(reverse=True)
    names = shown or [f"photo '{word}'" for word in words]
    return [f"{names[best]} ~ song '{tag}' ({sim:.2f})" for _, best, tag, sim in pairs[:WHY_PAIRS]]


def _result(
    catalog: Catalog,
    i: int,
    score: float,
    named: list[tuple[str, str]],
    word_vectors: np.ndarray,
    weights: np.ndarray,
    wanted: tuple[float, float, str],
) -> SongResult:
    """One song as a result; `wanted`: the (valence, arousal) asked for and whose it is ("photo")."""
    song_tags = catalog.tags[i] + list(catalog.derived_moods[i])
    why = explain(
        [word for word, _ in named],
        word_vectors,
        weights,
        {t: catalog.tag_vectors[t] for t in song_tags if t in catalog.tag_vectors},
        [shown for _, shown in named],
    )
    valence, arousal = catalog.positions[i]
    known = not np.isnan(valence)
    if known:
        source = "derived " if catalog.derived_moods[i] else ""
        song_mood = f"valence {valence:.2f}, arousal {arousal:.2f}"
        why.append(f"{source}mood {song_mood} vs {wanted[2]} {wanted[0]:.2f}, {wanted[1]:.2f}")
    link = catalog.links[i] or None
    kind = catalog.link_kind
    if kind == "mixed":
        kind = "url" if link and link.startswith("https://") else "path"
    return SongResult(
        title=catalog.titles[i],
        artist=catalog.artists[i],
        tags=catalog.tags[i],
        derived_moods=catalog.derived_moods[i],
        score=round(score, 4),
        why=why,
        url=link if kind == "url" else None,
        path=link if kind == "path" else None,
        source=catalog.sources[i] if catalog.sources else None,
        valence=round(float(valence), 3) if known else None,
        arousal=round(float(arousal), 3) if known else None,
    )
