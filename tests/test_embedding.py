"""The shipped MiniLM embedder loads offline and gives meaningful sentence embeddings."""

import numpy as np
import pytest

from lpmc import registry
from lpmc.text.embedding import EMBEDDING_DIM, MAX_TOKENS, embed


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


def test_the_written_out_bert_gives_transformers_vectors():
    """lpmc runs MiniLM's BERT without transformers (its import took 4.8 s); transformers' BertModel and
    tokenizer on the same files, pooled the sentence-transformers way, give the same vectors."""
    torch = pytest.importorskip("torch")
    from transformers import AutoModel, AutoTokenizer

    texts = ["upbeat jazz", "케이팝 여성 보컬", "🎹 🎻 😢", "", "very long " * 300, "Post-Punk"]
    model_dir = registry.resolve_files("all-minilm-l6-v2")["dir"]
    tokenizer, model = AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir).eval()
    with torch.inference_mode():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        states = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        reference = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    np.testing.assert_allclose(embed(texts), reference, atol=1e-5)
