"""Song catalogs to recommend from: the bundled Jamendo catalog, PMEmo, the user's library, or all merged.

Every catalog becomes the same `Catalog`: titles, artists, tags, a point on the valence-arousal plane
(NaN when unknown), a popularity count, and a unit vector per song in the MiniLM text space built
from the song's tag document: its genre, mood and instrument tags, each embedded as a phrase
("ambient music", "calm mood", "piano") and mixed per facet. The phrase vectors are computed once
and cached on disk, keyed by the catalog file's hash, under `settings.cache_dir()`.

Only 37% of the Jamendo tracks carry mood tags. For the rest, mood evidence is derived from their
genre and instrument tags by co-occurrence: how much more often a mood appears with each tag than
overall (a smoothed lift) in the mood-tagged tracks. Derived moods are marked as such everywhere.
"""

import csv
import functools
import hashlib
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lpmc import settings
from lpmc.errors import InputError
from lpmc.recommend.moods import mood_position
from lpmc.vocabulary import is_explicit, mood_family, tag_text

log = logging.getLogger(__name__)

CATALOG_DIR = settings.ASSETS_DIR / "catalog"
JAMENDO_FILE = "jamendo_catalog.csv"
PMEMO_FILE = "pmemo_valence_arousal.csv"
DOCUMENT_VERSION = "tag-phrases-v3"  # change when song documents change, so caches rebuild
EMBEDDER = "all-minilm-l6-v2"
EMBEDDING_SIZE = 384  # MiniLM's vector size
WORD_CACHE_SIZE = 50_000  # texts whose vectors stay in memory between queries
TEMPORARY_SUFFIX = ".tmp"  # a cache being written; renamed into place when complete

SMOOTHING = 20.0  # pseudo-count pulling a rare tag's mood rates toward the overall rates
PRIOR_EXPONENT = 0.5  # 0 ranks moods by P(m | tags) (always the common ones), 1 by lift (rare ones)
DERIVED_MOOD_COUNT = 3
DERIVED_MIN_RATIO = 0.5  # a derived mood's evidence relative to the strongest one, to be kept
FACET_WEIGHTS = {"genre": 0.8, "mood": 1.0, "instrument": 0.3}
FACET_SUFFIX = {"genre": " music", "mood": " mood", "instrument": ""}
DERIVED_MOOD_WEIGHT = 0.6  # a derived mood counts less than a mood people tagged


@dataclass
class Catalog:
    name: str
    titles: list[str]
    artists: list[str]
    tags: list[list[str]]  # observed tags (genres, moods, instruments)
    derived_moods: list[dict[str, float]]  # mood -> evidence weight, for songs without mood tags
    links: list[str]  # jamendo.com URL, or a file path for the user's library
    link_kind: str  # "url", "path", "" (no link) or "mixed" (merged: "url" when the link is https://)
    listens: np.ndarray  # (N,) play counts, 0 when unknown
    positions: np.ndarray  # (N, 2) valence, arousal in [0, 1]; NaN rows when unknown
    vectors: np.ndarray | None  # (N, 384) unit rows in the MiniLM space, or None (PMEmo)
    tag_vectors: dict[str, np.ndarray]  # tag -> unit vector of its phrase, to explain matches
    credit: str
    sources: list[str] = field(default_factory=list)  # per song, the catalog it comes from when merged

    def __len__(self) -> int:
        return len(self.titles)

    @functools.cached_property
    def explicit(self) -> np.ndarray:
        """(N,) bool: songs whose title or artist name is explicit (`lpmc.vocabulary.is_explicit`)."""
        names = zip(self.titles, self.artists, strict=True)
        return np.array([is_explicit(title) or is_explicit(artist) for title, artist in names], dtype=bool)

    @functools.cached_property
    def mood_table(self) -> tuple[dict[str, int], np.ndarray]:
        """Each song's evidence for each mood family: ({family: column}, (N, K) float32 in [0, 1]) - 1 for a
        mood tag people gave the song, DERIVED_MOOD_WEIGHT times its strength for a derived one."""
        songs = [
            {**{tag: DERIVED_MOOD_WEIGHT * w for tag, w in derived.items()}, **dict.fromkeys(tags, 1.0)}
            for tags, derived in zip(self.tags, self.derived_moods, strict=True)
        ]
        columns: dict[str, int] = {}
        for song in songs:
            for tag in song:
                family = mood_family(tag)
                if family is not None:
                    columns.setdefault(family, len(columns))
        table = np.zeros((len(songs), len(columns)), dtype=np.float32)
        for i, song in enumerate(songs):
            for tag, weight in song.items():
                family = mood_family(tag)
                if family is not None:
                    table[i, columns[family]] = max(table[i, columns[family]], weight)
        return columns, table


def merge_catalogs(catalogs: list[Catalog]) -> Catalog:
    """Several catalogs as one, "all", each song remembering its source (`sources`). A catalog without
    text vectors (PMEmo) gets zero rows: it is matched on the valence-arousal plane only."""
    vectors = [c.vectors if c.vectors is not None else np.zeros((len(c), EMBEDDING_SIZE)) for c in catalogs]
    return Catalog(
        name="all",
        titles=[title for c in catalogs for title in c.titles],
        artists=[artist for c in catalogs for artist in c.artists],
        tags=[tags for c in catalogs for tags in c.tags],
        derived_moods=[moods for c in catalogs for moods in c.derived_moods],
        links=[link for c in catalogs for link in c.links],
        link_kind="mixed",
        listens=np.concatenate([c.listens for c in catalogs]),
        positions=np.concatenate([c.positions for c in catalogs]),
        vectors=np.concatenate(vectors).astype(np.float32),
        tag_vectors={tag: vector for c in catalogs for tag, vector in c.tag_vectors.items()},
        credit=" ".join(c.credit for c in catalogs),
        sources=[c.name for c in catalogs for _ in range(len(c))],
    )


def tag_phrase(tag: str, facet: str) -> str:
    """How a tag is embedded: 'ambient music', 'calm mood', 'acoustic guitar'."""
    return tag_text(tag) + FACET_SUFFIX[facet]


def song_vectors(
    facets: list[dict[str, dict[str, float]]], phrase_vectors: dict[str, np.ndarray]
) -> np.ndarray:
    """Each song's tag document as one unit vector (N, 384).

    facets: per song, {facet: {tag: weight}}. A facet's vector is the weighted mean of its tags'
    phrase vectors; facets are mixed by FACET_WEIGHTS, so moods count more than instruments.
    """
    dim = len(next(iter(phrase_vectors.values())))
    mixed = np.zeros((len(facets), dim), dtype=np.float32)
    for i, song in enumerate(facets):
        for facet, tags in song.items():
            total = sum(tags.values())
            if total > 0:
                mean = sum(w * phrase_vectors[tag_phrase(t, facet)] for t, w in tags.items()) / total
                mixed[i] += FACET_WEIGHTS[facet] * min(1.0, total) * mean
    return mixed / np.maximum(np.linalg.norm(mixed, axis=1, keepdims=True), 1e-9)


def derive_moods(song_tags: list[list[str]], song_moods: list[list[str]]) -> list[dict[str, float]]:
    """Mood evidence for songs without mood tags, from their other tags' co-occurrence with moods.

    For each tag t and mood m in the mood-tagged songs, P(m | t) is smoothed toward P(m) by SMOOTHING
    pseudo-songs; a song's evidence for m is the geometric mean over its tags of P(m | t) / P(m)^0.5
    (PRIOR_EXPONENT: between the most probable and the most distinctive moods). The strongest
    DERIVED_MOOD_COUNT moods are kept, weighted relative to the first (1.0), down to DERIVED_MIN_RATIO.
    Songs that have mood tags get {}.
    """
    moods = sorted({m for ms in song_moods for m in ms})
    tags = sorted({t for ts in song_tags for t in ts})
    mood_index = {m: i for i, m in enumerate(moods)}
    tag_index = {t: i for i, t in enumerate(tags)}
    with_moods = [i for i, ms in enumerate(song_moods) if ms]
    together = np.zeros((len(tags), len(moods)))
    tag_count = np.zeros(len(tags))
    mood_count = np.zeros(len(moods))
    for i in with_moods:
        for m in song_moods[i]:
            mood_count[mood_index[m]] += 1
        for t in song_tags[i]:
            tag_count[tag_index[t]] += 1
            for m in song_moods[i]:
                together[tag_index[t], mood_index[m]] += 1
    prior = mood_count / max(len(with_moods), 1)
    smoothed = (together + SMOOTHING * prior) / (tag_count[:, None] + SMOOTHING)
    log_evidence = np.log(np.maximum(smoothed, 1e-12)) - PRIOR_EXPONENT * np.log(np.maximum(prior, 1e-12))
    derived: list[dict[str, float]] = []
    for ts, ms in zip(song_tags, song_moods, strict=True):
        if ms or not ts:
            derived.append({})
            continue
        evidence = log_evidence[[tag_index[t] for t in ts]].mean(0)
        order = np.argsort(-evidence)[:DERIVED_MOOD_COUNT]
        ratios = np.exp(evidence[order] - evidence[order[0]])
        derived.append(
            {
                moods[j]: round(float(r), 3)
                for j, r in zip(order, ratios, strict=True)
                if r >= DERIVED_MIN_RATIO
            }
        )
    return derived


@functools.cache
def load_catalog(name: str) -> Catalog:
    """The bundled catalog `name` ("jamendo" or "pmemo"), built once per process."""
    if name == "jamendo":
        return load_jamendo(CATALOG_DIR / JAMENDO_FILE)
    if name == "pmemo":
        return load_pmemo(CATALOG_DIR / PMEMO_FILE)
    raise InputError(f"Unknown catalog '{name}'; choose jamendo, pmemo or library.")


def _split(value: str) -> list[str]:
    return [part for part in value.split("|") if part]


def load_jamendo(path: Path) -> Catalog:
    """Read the Jamendo catalog CSV and attach its (cached) MiniLM vectors."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    genres = [_split(row["genres"]) for row in rows]
    moods = [_split(row["moods"]) for row in rows]
    instruments = [_split(row["instruments"]) for row in rows]
    other_tags = [g + i for g, i in zip(genres, instruments, strict=True)]
    derived = derive_moods(other_tags, moods)
    facets = [
        {
            "genre": dict.fromkeys(g, 1.0),
            "mood": dict.fromkeys(m, 1.0) or {t: DERIVED_MOOD_WEIGHT * w for t, w in d.items()},
            "instrument": dict.fromkeys(i, 1.0),
        }
        for g, m, d, i in zip(genres, moods, derived, instruments, strict=True)
    ]
    tag_facet = {tag: facet for song in facets for facet, tags in song.items() for tag in tags}
    phrases = sorted({tag_phrase(tag, facet) for tag, facet in tag_facet.items()})
    key = hashlib.sha256(f"{_file_hash(path)}-{DOCUMENT_VERSION}-{EMBEDDER}".encode()).hexdigest()[:16]
    phrase_vectors = dict(zip(phrases, document_vectors(phrases, f"jamendo-{key}"), strict=True))
    positions = [
        mood_position(dict.fromkeys(m, 1.0) if m else d) for m, d in zip(moods, derived, strict=True)
    ]
    return Catalog(
        name="jamendo",
        titles=[row["title"] for row in rows],
        artists=[row["artist"] for row in rows],
        tags=[_split(row["tags"]) for row in rows],
        derived_moods=derived,
        links=[row["url"] for row in rows],
        link_kind="url",
        listens=np.array([float(row["listens"] or 0) for row in rows]),
        positions=np.array([p if p else (np.nan, np.nan) for p in positions], dtype=np.float64),
        vectors=song_vectors(facets, phrase_vectors),
        tag_vectors={tag: phrase_vectors[tag_phrase(tag, facet)] for tag, facet in tag_facet.items()},
        credit=(
            "Jamendo metadata from MTG-Jamendo (Bogdanov et al., ICML 2019 ML4MD workshop), titles via "
            "Song Describer; CC BY-NC-SA 4.0. Each recording is under its own Creative Commons license."
        ),
    )


def load_pmemo(path: Path) -> Catalog:
    """767 popular songs with annotated static valence and arousal; matched on the plane only."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Catalog(
        name="pmemo",
        titles=[row["title"] for row in rows],
        artists=[row["artist"] for row in rows],
        tags=[[] for _ in rows],
        derived_moods=[{} for _ in rows],
        links=["" for _ in rows],
        link_kind="",
        listens=np.zeros(len(rows)),
        positions=np.array([(float(row["valence"]), float(row["arousal"])) for row in rows]),
        vectors=None,
        tag_vectors={},
        credit="PMEmo (Zhang et al., ICMR 2018), research use.",
    )


def document_vectors(documents: list[str], cache_name: str | None = None) -> np.ndarray:
    """MiniLM vectors (N, 384) float32 of documents; each distinct text is embedded once.

    With a cache_name the distinct vectors are stored in settings.cache_dir()/recommend/<name>.npz.
    """
    distinct, inverse = np.unique(np.array(documents, dtype=str), return_inverse=True)
    cache = settings.cache_dir() / "recommend" / f"{cache_name}.npz" if cache_name else None
    vectors = _read_cache(cache, distinct) if cache else None
    if vectors is None:
        vectors = embed_texts(list(distinct))
        if cache:
            _write_cache(cache, distinct, vectors)
    return vectors[inverse]


def embed_texts(texts: list[str]) -> np.ndarray:
    """Texts -> (N, 384) float32 unit rows with the shared MiniLM embedder."""
    from lpmc.text.embedding import embed

    return embed(texts)


_word_vectors: dict[str, np.ndarray] = {}


def embed_words(words: list[str]) -> np.ndarray:
    """Like embed_texts, remembering each text's vector: photo words repeat (labels, moods, scenes),
    and embedding is most of a query's time. Safe to call from several threads."""
    vectors = {word: _word_vectors.get(word) for word in words}
    missing = [word for word, vector in vectors.items() if vector is None]
    if missing:
        fresh = dict(zip(missing, embed_texts(missing), strict=True))
        vectors.update(fresh)
        if len(_word_vectors) + len(fresh) > WORD_CACHE_SIZE:
            _word_vectors.clear()
        _word_vectors.update(fresh)
    if not words:
        return np.zeros((0, 384), np.float32)
    return np.stack([vectors[word] for word in words])


def _read_cache(path: Path, documents: np.ndarray) -> np.ndarray | None:
    """The cached vectors of `documents`, or None when there is no usable cache (it is then rebuilt)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            vectors = stored["vectors"]
            if np.array_equal(stored["documents"], documents) and len(vectors) == len(documents):
                return vectors
    # A killed write or a full disk leaves an empty or truncated file: numpy then fails in all these ways.
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as error:
        log.warning("ignoring unreadable embedding cache %s (%s); rebuilding it", path, error)
    return None


def _write_cache(path: Path, documents: np.ndarray, vectors: np.ndarray) -> None:
    """Write atomically (a temporary file in the same folder, then os.replace), so a reader never sees
    a half-written cache. A failed write is logged, not raised: the cache only saves time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(f"{path.name}.*{TEMPORARY_SUFFIX}"):  # from a write that was killed
        leftover.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, documents=documents, vectors=vectors.astype(np.float32))
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write the embedding cache %s (%s); it will be rebuilt next time", path, error)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
