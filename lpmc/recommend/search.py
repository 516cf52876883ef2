"""Search a library by words ("rainy night jazz piano"): each track's summary and tags, as `lpmc index`
embedded them with MiniLM (library.search_document), ranked by cosine with the words' own vector, with the
recommender's exact search (`best_first`). Each hit names the tags of the track nearest the words.
"""

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lpmc.errors import InputError
from lpmc.recommend import MAX_TOP
from lpmc.recommend.catalog import embed_words
from lpmc.recommend.library import read_tracks
from lpmc.recommend.recommend import best_first
from lpmc.text.embedding import embed

MAX_QUERY_CHARS = 500  # MiniLM reads 256 tokens; a query longer than this is cut
MATCHED_TAGS = 3
MATCH_MIN_SIMILARITY = 0.3  # a tag less like the words than this is not named as the reason


@dataclass
class Hit:
    title: str
    artist: str  # "" when the file names none
    score: float  # cosine of words and track document, -1..1
    matched_tags: list[str]  # the track's tags nearest the words
    caption: str
    path: str  # for the command line; the page never shows it


@dataclass
class SearchResults:
    words: str
    library: str
    hits: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search_library(words: str, library: str | None = None, top: int = 10) -> SearchResults:
    """The `top` tracks of the library `library` (None: the first) best described by `words`."""
    words = " ".join(str(words or "").split())[:MAX_QUERY_CHARS]
    if not words:
        raise InputError('Type what you are looking for, e.g. "rainy night jazz piano".')
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"The number of tracks must be between 1 and {MAX_TOP}; got {top}.")
    tracks = read_tracks(library)
    query = embed([words])[0]
    scores = tracks.text_vectors @ query
    hits = []
    for i in best_first(scores, top):
        i = int(i)
        matched = _nearest_tags(tracks.tags[i], query)
        hits.append(
            Hit(
                tracks.titles[i],
                tracks.artists[i],
                round(float(scores[i]), 4),
                matched,
                tracks.captions[i],
                tracks.paths[i],
            )
        )
    return SearchResults(words, tracks.name, hits)


def _nearest_tags(tags: list[str], query: np.ndarray) -> list[str]:
    if not tags:
        return []
    similarity = embed_words(tags) @ query
    order = np.argsort(-similarity, kind="stable")[:MATCHED_TAGS]
    return [tags[j] for j in order if similarity[j] >= MATCH_MIN_SIMILARITY]
