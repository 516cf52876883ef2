"""Build assets/text/tag_cooccurrence.json (+ .npz embeddings) from tag lists in ../shared/data.

Also embeds the writer's lexicon words (assets/text/lexicon_embeddings.npz), so no embedding runs at start-up.

    python bench/build_cooccurrence.py [--shared ../shared]

Counts how often tags appear, and appear together, in the MusicCaps tag2caption dev tags (CC BY-SA 4.0)
and the MTG-Jamendo catalog tags (CC BY-NC-SA 4.0). Only tags and their counts are kept, no captions.
The built-in writer's attribute_prediction proposes new tags from these statistics
(lpmc.text.cooccurrence). The tag embeddings let it place tags it has never seen.
"""

import argparse
import csv
import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

OUT_DIR = PROJECT_DIR / "assets" / "text"
MIN_TAG_COUNT = 3  # a tag seen fewer times says too little about its neighbours
MIN_PAIR_COUNT = 2


def normalise(tag: str) -> str:
    return " ".join(tag.lower().replace("’", "'").split())


def musiccaps_tag_lists(path: Path) -> list[list[str]]:
    return [json.loads(line)["tags"] for line in path.read_text().splitlines() if line.strip()]


def jamendo_tag_lists(path: Path) -> list[list[str]]:
    """Tags per track, spelled out as text (MTG-Jamendo writes "newage" for "new age")."""
    from lpmc.vocabulary import tag_text

    with path.open(newline="") as handle:
        return [[tag_text(tag) for tag in row["tags"].split("|") if tag] for row in csv.DictReader(handle)]


def count(tag_lists: list[list[str]]) -> tuple[Counter, Counter]:
    """Tag counts and unordered pair counts (each tag once per list)."""
    tags, pairs = Counter(), Counter()
    for tag_list in tag_lists:
        unique = sorted({normalise(tag) for tag in tag_list if tag.strip()})
        tags.update(unique)
        pairs.update(combinations(unique, 2))
    return tags, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_DIR.parent / "shared")
    args = parser.parse_args()
    tag_lists = musiccaps_tag_lists(args.shared / "data" / "musiccaps_tag2caption_dev.jsonl")
    tag_lists += jamendo_tag_lists(args.shared / "data" / "catalog" / "jamendo_catalog.csv")
    tag_counts, pair_counts = count(tag_lists)
    vocabulary = sorted(tag for tag, n in tag_counts.items() if n >= MIN_TAG_COUNT)
    index = {tag: i for i, tag in enumerate(vocabulary)}
    pairs = sorted(
        [index[a], index[b], n]
        for (a, b), n in pair_counts.items()
        if n >= MIN_PAIR_COUNT and a in index and b in index
    )
    asset = {
        "about": "Tag and tag-pair counts from MusicCaps (CC BY-SA 4.0) and MTG-Jamendo (CC BY-NC-SA 4.0) "
        "tag lists; see NOTICE. Built by bench/build_cooccurrence.py.",
        "lists": len(tag_lists),
        "tags": vocabulary,
        "counts": [tag_counts[tag] for tag in vocabulary],
        "pairs": pairs,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "tag_cooccurrence.json").write_text(json.dumps(asset, separators=(",", ":")) + "\n")

    from lpmc.text.embedding import embed
    from lpmc.text.lexicon import exemplar_words

    np.savez(OUT_DIR / "tag_embeddings.npz", embeddings=embed(vocabulary).astype(np.float16))
    words = exemplar_words()
    np.savez(
        OUT_DIR / "lexicon_embeddings.npz",
        words=np.array(words),
        embeddings=embed(words).astype(np.float16),
    )
    print(f"{len(tag_lists)} tag lists, {len(vocabulary)} tags, {len(pairs)} pairs -> {OUT_DIR}")


if __name__ == "__main__":
    main()
