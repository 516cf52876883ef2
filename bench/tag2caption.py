"""Score a tags -> caption backend on MusicCaps items the LP-MusicCaps way.

    python bench/tag2caption.py [DEV_JSONL] [--backend builtin|template|auto|openai|local] [--style writing]

Metrics follow HF `evaluate` 0.4.0 as LP-MusicCaps used it: corpus BLEU-1..4 (13a tokenizer, no
smoothing), METEOR as nltk computes it (alpha 0.9, beta 3, gamma 0.5, WordNet synonyms, punkt +
Treebank tokens), ROUGE-L F-measure from rouge-score without stemming. Scores are printed for the
whole file and for each half (items alternate between half A, used for tuning, and held-out half B).
Needs bench/requirements.txt and WordNet 3.0 (Debian package `wordnet-base`).
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


def scores(predictions: list[str], references: list[str], wordnet) -> dict[str, float]:
    row = {f"BLEU-{n}": bleu(predictions, references, n) for n in range(1, 5)}
    row["METEOR"] = meteor(predictions, references, wordnet)
    row["ROUGE-L"] = rouge_l(predictions, references)
    row["words"] = statistics.mean(len(p.split()) for p in predictions)
    return row


def template_caption(tags: list[str]) -> str:
    """The LP-MusicCaps baseline."""
    return "the music is characterized by " + ", ".join(tags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--backend", default="builtin", help="template, or a lpmc.text backend name")
    parser.add_argument("--style", default="writing")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N items")
    parser.add_argument("--samples", type=int, default=0, help="print N sample outputs")
    args = parser.parse_args()

    items = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
    if args.limit:
        items = items[: args.limit]
    if args.backend == "template":
        write = template_caption
    else:
        from lpmc.text import tags_to_caption

        os.environ.setdefault("LPMC_TORCH_THREADS", str(BENCH_THREADS))
        tags_to_caption(items[0]["tags"], args.style, args.backend)  # loads models once, not timed

        def write(tags: list[str]) -> str:
            return tags_to_caption(tags, args.style, args.backend).text

    predictions, seconds = [], []
    for item in items:
        started = time.perf_counter()
        predictions.append(write(item["tags"]))
        seconds.append(time.perf_counter() - started)
    references = [item["caption"] for item in items]

    wordnet = wordnet_reader()
    median_ms, p90_ms = statistics.median(seconds) * 1000, statistics.quantiles(seconds, n=10)[-1] * 1000
    print(
        f"backend {args.backend}, style {args.style}, {len(items)} items, "
        f"median {median_ms:.2f} ms/item (p90 {p90_ms:.2f})"
    )
    print(
        f"{'split':8s}"
        + "".join(
            f"{name:>9s}" for name in ("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "METEOR", "ROUGE-L", "words")
        )
    )
    for split, chosen in (("all", slice(None)), ("half A", slice(0, None, 2)), ("half B", slice(1, None, 2))):
        row = scores(predictions[chosen], references[chosen], wordnet)
        print(f"{split:8s}" + "".join(f"{value:9.3f}" for value in row.values()))
    for item, prediction in list(zip(items, predictions, strict=True))[: args.samples]:
        print(f"\n{item['id']} tags: {', '.join(item['tags'])}\n  -> {prediction}")


if __name__ == "__main__":
    main()
