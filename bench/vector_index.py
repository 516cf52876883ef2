"""Vector search over unit vectors at catalog sizes lpmc does not ship: blocked exact search and an IVF
(inverted file) index, for bench/recommend.py.

Exact search reads every row, so its time grows with the catalog: fine for the bundled 11,565 songs
(well under a millisecond; lpmc ranks them with one matrix product), too slow at a million songs. The IVF
index clusters the rows with k-means and scans only the `probes` clusters nearest the query.
"""

import numpy as np

from lpmc.recommend.recommend import best_first

BLOCK_ROWS = 65_536  # rows scored per matrix product; bounds the temporary score buffer
KMEANS_ITERATIONS = 10
KMEANS_SAMPLE = 65_536  # rows the centroids are fitted on


def top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact search: matrix (N, D), query (D,) -> (indices (k,), scores (k,)), best first."""
    k = min(k, len(matrix))
    best_indices, best_scores = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    for start in range(0, len(matrix), BLOCK_ROWS):
        scores = matrix[start : start + BLOCK_ROWS] @ query
        keep = best_first(scores, k)
        best_indices = np.concatenate([best_indices, keep + start])
        best_scores = np.concatenate([best_scores, scores[keep].astype(np.float32)])
    order = best_first(best_scores, k)
    return best_indices[order], best_scores[order]


class IVFIndex:
    """Inverted-file index: rows grouped by their nearest k-means centroid (inner product)."""

    def __init__(self, matrix: np.ndarray, lists: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        sample = matrix[rng.choice(len(matrix), min(KMEANS_SAMPLE, len(matrix)), replace=False)]
        self.centroids = spherical_kmeans(sample, lists, rng)
        assignment = np.concatenate(
            [
                np.argmax(matrix[s : s + BLOCK_ROWS] @ self.centroids.T, 1)
                for s in range(0, len(matrix), BLOCK_ROWS)
            ]
        )
        order = np.argsort(assignment, kind="stable")
        self.rows = matrix[order]  # rows stored cluster by cluster, so a probe reads one contiguous slice
        self.ids = order
        self.starts = np.searchsorted(assignment[order], np.arange(lists + 1))

    def search(self, query: np.ndarray, k: int, probes: int) -> tuple[np.ndarray, np.ndarray]:
        """Approximate top k: query (D,) -> (indices (k,), scores (k,)), best first."""
        nearest = best_first(self.centroids @ query, probes)
        slices = [slice(self.starts[c], self.starts[c + 1]) for c in nearest]
        rows = np.concatenate([self.rows[s] for s in slices])
        ids = np.concatenate([self.ids[s] for s in slices])
        found, scores = top_k(rows, query, k)
        return ids[found], scores


def spherical_kmeans(points: np.ndarray, clusters: int, rng: np.random.Generator) -> np.ndarray:
    """k-means on unit vectors with cosine similarity: points (N, D) -> centroids (clusters, D)."""
    centroids = points[rng.choice(len(points), clusters, replace=False)].astype(np.float32)
    for _ in range(KMEANS_ITERATIONS):
        assignment = np.argmax(points @ centroids.T, 1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assignment, points)
        empty = np.linalg.norm(sums, axis=1) == 0
        sums[empty] = points[rng.choice(len(points), int(empty.sum()), replace=False)]
        centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    return centroids
