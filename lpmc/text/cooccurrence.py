"""Propose new tags that tend to appear with the given ones, from shipped co-occurrence counts.

The counts (assets/text/tag_cooccurrence.json, built by bench/build_cooccurrence.py from MusicCaps and
MTG-Jamendo tag lists) give, for a known tag v and a candidate c, P(c | v). A candidate's score sums
P(c | v) * log(N / count(c)) over the input tags: frequent-everywhere tags ("low quality") must earn
their place. Input tags the counts do not know are matched to their nearest known tag in MiniLM space.
"""

import json
from pathlib import Path

import numpy as np

from lpmc.text import lexicon
from lpmc.text.checks import contradictions

# An unseen input tag borrows the statistics of a known tag at least this similar.
MIN_MATCH_SIMILARITY = 0.7
# A candidate this similar to an input tag says the same thing again and is skipped.
MAX_CANDIDATE_SIMILARITY = 0.8
# Candidates ranked per attribute asked for, before contradicting ones are filtered out.
CANDIDATES_PER_ATTRIBUTE = 4
# Categories a song has one of: a proposal must not add a second tempo, key or recording quality.
SINGLE_VALUED = {lexicon.TEMPO, lexicon.KEY, lexicon.QUALITY, lexicon.INSTRUMENTAL}


class CooccurrenceModel:
    """Tag counts, pair counts and tag embeddings; only computes."""

    def __init__(self, counts_path: Path, embeddings_path: Path):
        data = json.loads(Path(counts_path).read_text())
        self.tags: list[str] = data["tags"]
        self.index = {tag: i for i, tag in enumerate(self.tags)}
        self.counts = np.asarray(data["counts"], dtype=np.float64)
        n = len(self.tags)
        self.pairs = np.zeros((n, n), dtype=np.float64)
        for i, j, count in data["pairs"]:
            self.pairs[i, j] = self.pairs[j, i] = count
        self.rarity = np.log(data["lists"] / self.counts)
        with np.load(embeddings_path, allow_pickle=False) as arrays:
            self.embeddings = arrays["embeddings"].astype(np.float32)

    def known(self, tags: list[str]) -> list[int]:
        """Indices of the known tags matching `tags` (exactly, else by nearest embedding)."""
        matched, unseen = [], []
        for tag in tags:
            key = " ".join(tag.lower().split())
            if key in self.index:
                matched.append(self.index[key])
            else:
                unseen.append(tag)
        if unseen:
            from lpmc.text.embedding import embed

            similarity = embed(unseen) @ self.embeddings.T
            matched += [int(row.argmax()) for row in similarity if row.max() >= MIN_MATCH_SIMILARITY]
        return sorted(set(matched))

    def predict(self, tags: list[str], k: int) -> list[str]:
        """Up to `k` known tags most associated with `tags`, none repeating an input tag."""
        rows = self.known(tags)
        if not rows:
            return []
        conditional = self.pairs[rows] / self.counts[rows, None]
        score = conditional.sum(axis=0) * self.rarity
        score[rows] = 0.0
        from lpmc.text.embedding import embed

        closeness = (embed(list(tags)) @ self.embeddings.T).max(axis=0)
        score[closeness >= MAX_CANDIDATE_SIMILARITY] = 0.0
        ranked = [
            self.tags[i]
            for i in np.argsort(-score, kind="stable")[: k * CANDIDATES_PER_ATTRIBUTE]
            if score[i] > 0
        ]
        return compatible(tags, ranked)[:k]


def compatible(tags: list[str], candidates: list[str]) -> list[str]:
    """Candidates that do not contradict the tags: no second tempo, key or quality; no "instrumental" for a
    song with vocals, no vocals for an instrumental; nothing the caption checks find opposite to a tag or
    to a candidate kept before it ("rock" for a reggae song, "groovy" for a sad one)."""
    given = set(lexicon.classify(tags))
    taken = given & SINGLE_VALUED
    if lexicon.VOCAL in given:
        taken |= {lexicon.INSTRUMENTAL, lexicon.ABSENCE}
    if lexicon.INSTRUMENTAL in given:
        taken.add(lexicon.VOCAL)
    kept = []
    for candidate, category in zip(candidates, lexicon.classify(candidates), strict=True):
        if category not in taken and not contradictions([*tags, *kept], candidate)[0]:
            kept.append(candidate)
            taken |= {category} & SINGLE_VALUED
    return kept
