"""Benchmark photo -> songs: query latency over the bundled catalog, and vector search at 1M songs.

    python bench/recommend.py [--songs 1000000] [--repeats 30]
    python bench/recommend.py --eval [--reader NAME ...] [--verbose]

--eval scores the photo evaluation set (bench/photo_evaluation.py): for each image-understanding reader
(default: every available one, and "auto"), the share of photos with at least 5 of their 10 songs
compatible with the photo's hand-labelled moods, and the mean compatible count.

Otherwise prints p50/p95 (ms) of
1. a whole `recommend()` call over the Jamendo catalog after warm-up (targets < 300 ms on 2 cores),
   and its parts (photo analysis, ranking);
2. vector search alone over N synthetic songs (target < 50 ms): exact blocked search, and an IVF
   index at a few probe counts with its recall@10 against exact search.
Synthetic songs are real Jamendo song vectors plus Gaussian noise, so they cluster like real tag
documents do (uniform random vectors would make any clustering index look worse than it is).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LPMC_TORCH_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.photo_evaluation import PASS_COUNT, TOP, evaluate, summary  # noqa: E402
from bench.vector_index import IVFIndex, top_k  # noqa: E402
from lpmc import registry, runtime, settings  # noqa: E402
from lpmc.recommend.analysis import analyze_image  # noqa: E402
from lpmc.recommend.catalog import load_catalog  # noqa: E402
from lpmc.recommend.recommend import rank, recommend  # noqa: E402
from lpmc.tasks import AUTO, IMAGE_UNDERSTANDING  # noqa: E402

PHOTOS = sorted((settings.ASSETS_DIR / "photos").glob("*.jpg"))
NOISE = 0.5  # Gaussian noise norm added to each synthetic song vector
IVF_LISTS = 1024
IVF_PROBES = (8, 16, 32)
K = 10


def percentiles(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return f"p50 {np.percentile(ms, 50):7.2f} ms   p95 {np.percentile(ms, 95):7.2f} ms   (n={len(ms)})"


def timed(function, repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        function(i)
        times.append(time.perf_counter() - start)
    return times


def bench_query(repeats: int) -> np.ndarray:
    start = time.perf_counter()
    catalog = load_catalog("jamendo")
    seconds = time.perf_counter() - start
    print(f"catalog load (cache at {settings.cache_dir()}): {seconds:.2f} s, {len(catalog)} songs")
    for photo in PHOTOS:  # warm-up: models load, caches fill
        recommend(photo)
    analyses = [analyze_image(photo) for photo in PHOTOS]
    print(
        "recommend() whole query   ",
        percentiles(timed(lambda i: recommend(PHOTOS[i % len(PHOTOS)]), repeats)),
    )
    print(
        "  photo analysis          ",
        percentiles(timed(lambda i: analyze_image(PHOTOS[i % len(PHOTOS)]), repeats)),
    )
    print(
        "  ranking (embed + score) ",
        percentiles(timed(lambda i: rank(analyses[i % len(analyses)], catalog, K), repeats)),
    )
    texts = [f"a day out number {i}" for i in range(repeats)]  # never seen before: embedded on the spot
    print(
        "recommend() with new text ",
        percentiles(timed(lambda i: recommend(PHOTOS[0], text=texts[i]), repeats)),
    )
    return catalog.vectors


def synthetic_songs(real: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """`count` unit vectors (count, D) float32: random real songs plus Gaussian noise of norm ~NOISE."""
    rng = np.random.default_rng(seed)
    songs = np.empty((count, real.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        rows = real[rng.integers(0, len(real), min(100_000, count - start))]
        noise = rng.standard_normal(rows.shape).astype(np.float32) * (NOISE / np.sqrt(real.shape[1]))
        block = rows + noise
        songs[start : start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return songs


def bench_search(real: np.ndarray, count: int, repeats: int) -> None:
    songs = synthetic_songs(real, count)
    rng = np.random.default_rng(1)
    queries = synthetic_songs(real, repeats, seed=2)  # queries look like songs: a mix of tag meanings
    queries += rng.standard_normal(queries.shape).astype(np.float32) * 0.02
    print(f"\nvector search over {count:,} synthetic songs ({songs.nbytes / 1e9:.2f} GB float32, k={K})")
    exact = [top_k(songs, q, K)[0] for q in queries]
    print("exact blocked matmul       ", percentiles(timed(lambda i: top_k(songs, queries[i], K), repeats)))
    start = time.perf_counter()
    index = IVFIndex(songs, IVF_LISTS)
    print(f"IVF build ({IVF_LISTS} lists): {time.perf_counter() - start:.1f} s")
    for probes in IVF_PROBES:
        found = [index.search(q, K, probes)[0] for q in queries]
        recall = np.mean([len(set(a) & set(b)) / K for a, b in zip(found, exact, strict=True)])
        times = timed(lambda i, p=probes: index.search(queries[i], K, p), repeats)
        print(f"IVF probes={probes:<3}             ", percentiles(times), f"  recall@{K} {recall:.3f}")


def bench_eval(readers: list[str], verbose: bool) -> None:
    print(f"photo evaluation set: photos with >= {PASS_COUNT}/{TOP} compatible songs, mean compatible count")
    print(f"{'reader':<28}{'tagged: pass':>14}{'mean':>7}{'with derived: pass':>20}{'mean':>7}")
    for reader in readers:
        scores = evaluate(reader)
        numbers = summary(scores)
        print(
            f"{reader:<28}{numbers['pass tagged']:>14.0%}{numbers['mean tagged']:>7.2f}"
            f"{numbers['pass with derived']:>20.0%}{numbers['mean with derived']:>7.2f}"
        )
        if verbose:
            for score in scores:
                print(f"    {score.name:<36}{score.tagged:>3}{score.with_derived:>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--eval", action="store_true", help="score the photo evaluation set")
    parser.add_argument("--reader", action="append", help="image-understanding model(s) for --eval")
    parser.add_argument("--verbose", action="store_true", help="--eval: every photo's counts")
    args = parser.parse_args()
    runtime.setup()
    runtime.apply_torch_threads()
    if args.eval:
        available = [name for name in registry.names(IMAGE_UNDERSTANDING) if registry.availability(name)]
        bench_eval(args.reader or [*available, AUTO], args.verbose)
        return
    print(f"threads: torch {settings.torch_threads()}, BLAS {os.environ['OMP_NUM_THREADS']}")
    real = bench_query(args.repeats)
    bench_search(real, args.songs, args.repeats)


if __name__ == "__main__":
    main()
