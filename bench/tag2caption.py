"""Score every available tags -> caption backend on MusicCaps items the LP-MusicCaps way, and check each
caption against its tags.

    python bench/tag2caption.py [ITEMS_JSONL] [--backend NAME ...] [--style writing ...] [--limit N]
    python bench/tag2caption.py tests/data/tags_beyond_musiccaps.jsonl   # no references: checks only
    python bench/tag2caption.py --calibrate   # where lpmc.text.checks.MIN_PHRASE_SIMILARITY comes from

Backends: every tag-captioning entry of the registry that is available here (or those named; "template"
is the LP-MusicCaps baseline). For each backend and style it prints, for the whole file and each half
(items alternate between half A, read while tuning the writer, and held-out half B): text metrics,
tag coverage (mean share of an item's tags its caption expresses), contradiction rate (share of captions
contradicting a tag), words per caption, and p50/p95 latency of tags_to_caption (checks included).

Text metrics follow HF `evaluate` 0.4.0 as LP-MusicCaps used it: corpus BLEU-1..4 (13a tokenizer, no
smoothing), METEOR as nltk computes it (alpha 0.9, beta 3, gamma 0.5, WordNet synonyms, punkt +
Treebank tokens), ROUGE-L F-measure from rouge-score without stemming. Needs bench/requirements.txt and
WordNet 3.0 (Debian package `wordnet-base`).
"""

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_DEV = PROJECT_DIR.parent / "shared" / "data" / "musiccaps_tag2caption_dev.jsonl"
WORDNET_DIR = Path("/usr/share/wordnet")
# Debian's wordnet-base lacks `lexnames`, which nltk's reader opens; the names are fixed by WordNet 3.0.
LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
    "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
    "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
    "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
    "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
BENCH_THREADS = 2  # torch threads unless LPMC_TORCH_THREADS says otherwise
LEX_FILENUM = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}


def bleu(predictions: list[str], references: list[str], max_order: int) -> float:
    """Corpus BLEU up to `max_order` on 13a tokens, no smoothing (HF evaluate `bleu`)."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    tokenize = Tokenizer13a()
    matches, possible = [0] * max_order, [0] * max_order
    pred_len = ref_len = 0
    for prediction, reference in zip(predictions, references, strict=True):
        pred, ref = tokenize(prediction).split(), tokenize(reference).split()
        pred_len, ref_len = pred_len + len(pred), ref_len + len(ref)
        for n in range(1, max_order + 1):
            pred_ngrams = Counter(tuple(pred[i : i + n]) for i in range(len(pred) - n + 1))
            ref_ngrams = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
            matches[n - 1] += sum((pred_ngrams & ref_ngrams).values())
            possible[n - 1] += max(len(pred) - n + 1, 0)
    if min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / p) for m, p in zip(matches, possible, strict=True)) / max_order
    ratio = pred_len / ref_len
    brevity = 1.0 if ratio > 1.0 else math.exp(1 - 1 / ratio)
    return math.exp(log_precision) * brevity


def wordnet_reader():
    """nltk's WordNet reader over Debian's wordnet-base files (copied next to a generated lexnames)."""
    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    if not (WORDNET_DIR / "data.noun").exists():
        sys.exit("METEOR needs WordNet 3.0: apt-get install wordnet-base")
    root = Path(tempfile.mkdtemp(prefix="lpmc-wordnet-"))
    wordnet_dir = root / "corpora" / "wordnet"
    wordnet_dir.mkdir(parents=True)
    for path in WORDNET_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, wordnet_dir / path.name)
    lines = [f"{i:02d}\t{name}\t{LEX_FILENUM[name.split('.')[0]]}" for i, name in enumerate(LEXNAMES)]
    (wordnet_dir / "lexnames").write_text("\n".join(lines) + "\n")
    nltk.data.path.append(str(root))
    # The 3.0 -> other-version synset map serves only multilingual (OMW) lookups and needs index.sense,
    # which wordnet-base lacks; METEOR uses English synsets only.
    WordNetCorpusReader.map_wn = lambda self, version="wordnet": None
    return WordNetCorpusReader(str(wordnet_dir), None)


def word_tokenize(text: str) -> list[str]:
    """nltk.word_tokenize: punkt sentences, then the improved Treebank tokenizer."""
    import punkt
    from nltk.tokenize import NLTKWordTokenizer

    treebank = NLTKWordTokenizer()
    return [token for sentence in punkt.sent_tokenize(text) for token in treebank.tokenize(sentence)]


def meteor(predictions: list[str], references: list[str], wordnet) -> float:
    """Mean sentence METEOR (nltk, alpha 0.9, beta 3, gamma 0.5), as HF evaluate `meteor`."""
    from nltk.translate.meteor_score import meteor_score

    scores = [
        meteor_score([word_tokenize(ref)], word_tokenize(pred), alpha=0.9, beta=3, gamma=0.5, wordnet=wordnet)
        for pred, ref in zip(predictions, references, strict=True)
    ]
    return statistics.mean(scores)


def rouge_l(predictions: list[str], references: list[str]) -> float:
    """Mean ROUGE-L F-measure, no stemming."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    return statistics.mean(
        scorer.score(ref, pred)["rougeL"].fmeasure for pred, ref in zip(predictions, references, strict=True)
    )


def text_scores(predictions: list[str], references: list[str], wordnet) -> dict[str, float]:
    row = {f"BLEU-{n}": bleu(predictions, references, n) for n in range(1, 5)}
    row["METEOR"] = meteor(predictions, references, wordnet)
    row["ROUGE-L"] = rouge_l(predictions, references)
    return row


def check_scores(results: list[dict]) -> dict[str, float]:
    """Coverage, contradiction rate, words and latency of a list of results."""
    milliseconds = sorted(result["seconds"] * 1000 for result in results)
    return {
        "coverage": statistics.mean(len(r["coverage"]) / len(r["tags"]) for r in results),
        "contra": statistics.mean(bool(r["contradictions"]) for r in results),
        "words": statistics.mean(len(r["text"].split()) for r in results),
        "p50 ms": percentile(milliseconds, 50),
        "p95 ms": percentile(milliseconds, 95),
    }


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def template_caption(tags: list[str]) -> dict:
    """The LP-MusicCaps baseline, checked like any caption."""
    from lpmc.text.checks import check_caption

    text = "the music is characterized by " + ", ".join(tags)
    check = check_caption(tags, text)
    return {"text": text, "coverage": check.coverage, "contradictions": check.contradictions}


def available_backends() -> list[str]:
    """Every tag-captioning entry of the registry that can run here."""
    from lpmc import registry
    from lpmc.tasks import TAG_CAPTIONING

    return [name for name in registry.names(TAG_CAPTIONING) if registry.availability(name)]


def run_backend(backend: str, style: str, items: list[dict]) -> list[dict]:
    """tags_to_caption on every item (the first call, which loads the model, is not timed)."""
    from lpmc.text import tags_to_caption

    def write(tags: list[str]) -> dict:
        if backend == "template":
            return template_caption(tags)
        caption = tags_to_caption(tags, style, backend)
        return {"text": caption.text, "coverage": caption.coverage, "contradictions": caption.contradictions}

    write(items[0]["tags"])
    results = []
    for item in items:
        started = time.perf_counter()
        result = write(item["tags"])
        results.append({**result, "tags": item["tags"], "seconds": time.perf_counter() - started})
    return results


def print_table(backend: str, style: str, items: list[dict], results: list[dict], wordnet) -> None:
    referenced = all("caption" in item for item in items)
    columns = [*(("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "METEOR", "ROUGE-L") if referenced else ())]
    columns += ["coverage", "contra", "words", "p50 ms", "p95 ms"]
    print(f"\nbackend {backend}, style {style}, {len(items)} items")
    print(f"{'split':8s}" + "".join(f"{name:>9s}" for name in columns))
    for split, chosen in (("all", slice(None)), ("half A", slice(0, None, 2)), ("half B", slice(1, None, 2))):
        row = check_scores(results[chosen])
        if referenced:
            predictions = [result["text"] for result in results[chosen]]
            row = {**text_scores(predictions, [item["caption"] for item in items[chosen]], wordnet), **row}
        print(
            f"{split:8s}" + "".join(f"{row[name]:9.{1 if name.endswith('ms') else 3}f}" for name in columns)
        )


def calibrate(items: list[dict]) -> None:
    """For tags whose words are not in their human caption: the share whose nearest phrase of that caption
    reaches each MiniLM similarity, against the share for another clip's caption (chance)."""
    import numpy as np

    from lpmc.text import checks
    from lpmc.text.embedding import embed

    own, chance = [], []
    for number, item in enumerate(items):
        other = items[(number + len(items) // 2) % len(items)]["caption"]
        words = checks.caption_words(item["caption"])
        tags = [tag for tag in item["tags"] if checks.readings(tag)]
        unread = [
            tag for tag in tags if not any(checks.said_in_words(r, words) for r in checks.readings(tag))
        ]
        phrases = [checks.caption_phrases(item["caption"]), checks.caption_phrases(other)]
        if not unread or not all(phrases):
            continue
        vectors = embed([checks.readings(tag)[-1] for tag in unread] + phrases[0] + phrases[1])
        tag_vectors, rest = vectors[: len(unread)], vectors[len(unread) :]
        own += list((tag_vectors @ rest[: len(phrases[0])].T).max(1))
        chance += list((tag_vectors @ rest[len(phrases[0]) :].T).max(1))
    own, chance = np.array(own), np.array(chance)
    print(f"{len(own)} tags not said in words; share reaching each similarity:")
    print(f"{'similarity':>10s} {'own caption':>12s} {'another':>9s}")
    for threshold in np.arange(0.5, 0.81, 0.02):
        print(f"{threshold:10.2f} {(own >= threshold).mean():12.3f} {(chance >= threshold).mean():9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--backend", nargs="*", help="backends to score (default: every available one)")
    parser.add_argument("--style", nargs="*", default=["writing"], help="styles (default: writing)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N items")
    parser.add_argument("--samples", type=int, default=0, help="print N sample outputs per backend and style")
    parser.add_argument("--calibrate", action="store_true", help="calibrate the checks' phrase similarity")
    args = parser.parse_args()

    os.environ.setdefault("LPMC_TORCH_THREADS", str(BENCH_THREADS))
    items = [json.loads(line) for line in args.items.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        items = items[: args.limit]
    if args.calibrate:
        calibrate(items)
        return
    wordnet = wordnet_reader() if all("caption" in item for item in items) else None
    for backend in args.backend or available_backends():
        for style in args.style:
            results = run_backend(backend, style, items)
            print_table(backend, style, items, results, wordnet)
            for item, result in list(zip(items, results, strict=True))[: args.samples]:
                print(f"{item['id']} tags: {', '.join(item['tags'])}\n  -> {result['text']}")


if __name__ == "__main__":
    main()
