"""bench/vector_index.py: the blocked exact search and the IVF index that bench/recommend.py times."""

import numpy as np

from bench.vector_index import IVFIndex, top_k


def test_exact_search_matches_sorting():
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((1000, 16)).astype(np.float32)
    query = rng.standard_normal(16).astype(np.float32)
    found, scores = top_k(matrix, query, 10)
    assert found.tolist() == np.argsort(-(matrix @ query))[:10].tolist()


def test_ivf_finds_the_true_neighbours_of_clustered_vectors():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((50, 32))
    points = centres[rng.integers(0, 50, 20_000)] + 0.3 * rng.standard_normal((20_000, 32))
    points = (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)
    index = IVFIndex(points, lists=64)
    recalls = []
    for query in points[:20]:
        exact, _ = top_k(points, query, 10)
        approximate, _ = index.search(query, 10, probes=8)
        recalls.append(len(set(exact) & set(approximate)) / 10)
    assert np.mean(recalls) >= 0.9
