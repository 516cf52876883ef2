"""The shipped MiniLM embedder loads offline and gives meaningful sentence embeddings."""

import numpy as np

from lpmc.text.embedding import EMBEDDING_DIM, embed


def test_similar_music_descriptions_are_closer():
    sad, melancholic, metal = embed(["sad piano ballad", "melancholic slow piano", "aggressive metal"])
    assert float(sad @ melancholic) > float(sad @ metal) + 0.2


def test_embeddings_are_unit_rows_and_batches_agree():
    texts = [f"tag number {i}" for i in range(70)] + ["어쿠스틱 기타", "🎸 rock"]
    vectors = embed(texts)
    assert vectors.shape == (len(texts), EMBEDDING_DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[-2:], embed(texts[-2:]), atol=1e-5)
    assert embed([]).shape == (0, EMBEDDING_DIM)
