"""LP-MusicCaps (Doh et al., ISMIR 2023): 10 s audio chunks -> captions with a conv front end and BART-base.

A reimplementation of upstream seungheondoh/lp-music-caps (`model/bart.py`) on transformers'
`BartForConditionalGeneration`, loading the published checkpoints (`{"state_dict", "epoch"}`) strictly.

Decoding reproduces what upstream's `bart.generate()` returned under transformers 4.26.1, whose generation
settings came from the bart-base config (no_repeat_ngram_size 3, forced BOS/EOS, early stopping). Newer
transformers no longer take those from the model config, and beam search changed across releases, so the
search is written out here (4.26.1 semantics), which also lets it skip redundant work:
- the encoder's cross-attention keys/values are computed once per chunk and shared by its beams;
- the self-attention cache is never copied into the new beam order (see CachedDecoder);
- a chunk whose 5 hypotheses are final leaves the batch;
- steps whose token is forced (BOS first, EOS at max_length - 1) skip the vocabulary projection;
- the decoder's Linear weights are reordered once for oneDNN (MKL's sgemm re-packs them on every call, and at
  30 rows per step that made each projection 3-4x slower on a busy 2-core box);
- under OMP_WAIT_POLICY=PASSIVE, groups of chunks are encoded and searched in parallel (lpmc/parallel.py).
"""

import json
import math
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

from lpmc import parallel, settings
from lpmc.captioning.lpmc_frontend import CHUNK_SAMPLES, AudioEncoder
from lpmc.errors import AudioError, ModelUnavailable

# facebook/bart-base's config (the hub is unreachable; values from the published config.json).
BART_BASE = {
    "activation_dropout": 0.1,
    "activation_function": "gelu",
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "classif_dropout": 0.1,
    "classifier_dropout": 0.0,
    "d_model": 768,
    "decoder_attention_heads": 12,
    "decoder_ffn_dim": 3072,
    "decoder_layerdrop": 0.0,
    "decoder_layers": 6,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "early_stopping": True,
    "encoder_attention_heads": 12,
    "encoder_ffn_dim": 3072,
    "encoder_layerdrop": 0.0,
    "encoder_layers": 6,
    "eos_token_id": 2,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
    "init_std": 0.02,
    "is_encoder_decoder": True,
    "max_position_embeddings": 1024,
    "model_type": "bart",
    "no_repeat_ngram_size": 3,
    "normalize_before": False,
    "normalize_embedding": True,
    "num_beams": 4,
    "num_hidden_layers": 6,
    "pad_token_id": 1,
    "scale_embedding": False,
    "use_cache": True,
    "vocab_size": 50265,
}

# Generation settings upstream got from the bart-base config.
PAD_ID, BOS_ID, EOS_ID, DECODER_START_ID = 1, 0, 2, 2
NO_REPEAT_NGRAM_SIZE = 3
LENGTH_PENALTY = 1.0
NUM_BEAMS = 5
MAX_LENGTH = 128  # counts the decoder start token
MIN_LENGTH = 2
INITIAL_BEAM_SCORE = -1e9  # beams 1.. start "impossible" so step 1 does not pick the same token 5 times
PACKING_ROWS = 30  # the rows oneDNN tunes reordered weights for: 6 chunks x 5 beams (15 rows time the same)

Linear = Callable[[torch.Tensor], torch.Tensor]


class LpMusicCaps(nn.Module):
    """Upstream BartCaptionModel: `bart` (BartForConditionalGeneration) fed by `audio_encoder`."""

    def __init__(self, bart_config: BartConfig, audio_dim: int) -> None:
        super().__init__()
        if audio_dim != bart_config.d_model:
            raise ValueError(
                f"audio_dim ({audio_dim}) must equal d_model ({bart_config.d_model}): no projection"
            )
        self.bart = BartForConditionalGeneration(bart_config)
        self.audio_encoder = AudioEncoder(audio_dim)
        self._packed: dict[nn.Linear, tuple[int, Linear]] = {}  # module -> (weight version, packed linear)

    def encode(self, chunks: torch.Tensor) -> torch.Tensor:
        """Audio chunks (N, 160000) float32 at 16 kHz -> BART encoder last hidden state (N, 32, d_model)."""
        with torch.inference_mode():
            # BART adds its learned positions on top of the sinusoids, as upstream does.
            return self.bart.model.encoder(inputs_embeds=self.audio_encoder(chunks)).last_hidden_state

    def generate_ids(
        self,
        chunks: torch.Tensor,
        num_beams: int = NUM_BEAMS,
        max_length: int = MAX_LENGTH,
        min_length: int = MIN_LENGTH,
    ) -> torch.Tensor:
        """Token ids (N, L) as upstream's generate(): rows start `2 0`, end with EOS 2, padded with 1."""
        with torch.inference_mode():
            linears = self.packed_decoder_linears()

        def search(group: torch.Tensor) -> torch.Tensor:
            decoder = CachedDecoder(self.bart, self.encode(group), num_beams, max_length, linears)
            if num_beams == 1:
                return greedy_search(decoder, len(group), max_length, min_length)
            return beam_search(decoder, len(group), num_beams, max_length, min_length)

        # Each chunk is encoded and searched independently: groups of chunks give the same ids as one batch,
        # and a decoding step's ~100 small ops run faster single-threaded side by side (lpmc/parallel.py).
        groups = chunks.tensor_split(min(parallel.workers(), len(chunks)))
        return stack_padded(parallel.map_single_threaded(search, groups))

    def packed_decoder_linears(self) -> dict[nn.Linear, Linear]:
        """The decoder's Linear layers and lm_head, packed once (again only if a weight was changed since)."""
        modules = [self.bart.lm_head, *self.bart.model.decoder.modules()]
        linears = [module for module in modules if isinstance(module, nn.Linear)]  # not quantised ones
        for module in linears:
            if module not in self._packed or self._packed[module][0] != module.weight._version:
                self._packed[module] = (module.weight._version, pack_linear(module))
        return {module: self._packed[module][1] for module in linears}


def stack_padded(ids: list[torch.Tensor]) -> torch.Tensor:
    """Stack id matrices (N_i, L_i) into (sum N_i, max L_i), padding rows on the right with PAD."""
    width = max(part.shape[1] for part in ids)
    return torch.cat([F.pad(part, (0, width - part.shape[1]), value=PAD_ID) for part in ids])


def pack_linear(linear: nn.Linear, rows: int = PACKING_ROWS) -> Linear:
    """x (rows, in) -> linear(x), with the weight reordered for oneDNN once; plain `linear` without oneDNN."""
    if not torch.backends.mkldnn.is_available() or not hasattr(torch.ops.mkldnn, "_reorder_linear_weight"):
        return linear
    packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), rows)
    bias = None if linear.bias is None else linear.bias.detach()
    return lambda x: torch.ops.mkldnn._linear_pointwise(x, packed, bias, "none", [], "")


class CachedDecoder:
    """BART's decoder run one token at a time over rows = chunks x beams (beams of a chunk are adjacent).

    Beam search reorders beams every step. Rather than copying every layer's key/value cache into the new
    order (upstream's index_select, which costs as much memory traffic as the weights), each step writes its
    keys/values into a slot per beam and `slots` records, per beam and time, which slot holds its ancestor's
    entry; a beam attends to all slots of its chunk, masked to its own history.
    Cross-attention keys/values are computed once per chunk and shared by its beams.
    """

    def __init__(
        self,
        bart: BartForConditionalGeneration,
        encoder_states: torch.Tensor,
        beams: int,
        max_length: int,
        linears: dict[nn.Linear, Linear] | None = None,
    ) -> None:
        self.bart = bart
        self.linear = linears or {}
        self.decoder = bart.model.decoder
        self.beams = beams
        self.heads = self.decoder.layers[0].self_attn.num_heads
        self.cross = [
            (
                self._split_heads(layer.encoder_attn.k_proj(encoder_states)),
                self._split_heads(layer.encoder_attn.v_proj(encoder_states)),
            )
            for layer in self.decoder.layers
        ]
        chunks, _, d_model = encoder_states.shape
        # Per layer: keys and values (chunks, heads, time, slot, head_dim).
        shape = (chunks, self.heads, max_length, beams, d_model // self.heads)
        self.cache = [(torch.empty(shape), torch.empty(shape)) for _ in self.decoder.layers]
        self.slots = torch.zeros(chunks, beams, max_length, dtype=torch.long)  # (chunk, beam, time) -> slot
        self.length = 0

    def _apply(self, linear: nn.Linear, x: torch.Tensor) -> torch.Tensor:
        return self.linear.get(linear, linear)(x)

    def _split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d) -> (B, heads, T, head_dim)."""
        return x.unflatten(-1, (self.heads, -1)).transpose(1, 2)

    def _by_chunk(self, x: torch.Tensor) -> torch.Tensor:
        """(rows, d) -> (chunks, heads, beams, head_dim)."""
        return self._split_heads(x.unflatten(0, (-1, self.beams)))

    @staticmethod
    def _attention(
        q: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor,
        scale: float,
        mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Eager attention: faster than SDPA's kernels at these sizes (a few queries per chunk)."""
        scores = torch.matmul(q, keys.transpose(-1, -2)) * scale
        if mask is not None:
            scores = scores + mask
        return torch.matmul(torch.softmax(scores, dim=-1), values)

    def _self_attention(
        self, index: int, attn: nn.Module, h: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        q, k, v = (self._by_chunk(self._apply(proj, h)) for proj in (attn.q_proj, attn.k_proj, attn.v_proj))
        keys, values = self.cache[index]
        keys[:, :, self.length] = k
        values[:, :, self.length] = v
        history = slice(0, self.length + 1)
        out = self._attention(
            q, keys[:, :, history].flatten(2, 3), values[:, :, history].flatten(2, 3), attn.scaling, mask
        )
        return self._apply(attn.out_proj, out.transpose(1, 2).flatten(2).flatten(0, 1))

    def _cross_attention(self, index: int, attn: nn.Module, h: torch.Tensor) -> torch.Tensor:
        keys, values = self.cross[index]
        out = self._attention(self._by_chunk(self._apply(attn.q_proj, h)), keys, values, attn.scaling)
        return self._apply(attn.out_proj, out.transpose(1, 2).flatten(2).flatten(0, 1))

    def _history_mask(self) -> torch.Tensor:
        """(chunks, 1, beams, (time + 1) * slots): 0 where the slot at that time holds the beam's ancestor."""
        slots = self.slots[:, :, : self.length + 1, None]
        own = slots == torch.arange(self.beams)  # (chunks, beams, time, slot)
        return torch.zeros(own.shape).masked_fill_(~own, -math.inf).flatten(2, 3)[:, None]

    def step(self, tokens: torch.Tensor) -> torch.Tensor:
        """Feed one token per row (rows,) -> decoder output (rows, d_model); post-LN layers as BART."""
        decoder = self.decoder
        position = decoder.embed_positions.weight[self.length + decoder.embed_positions.offset]
        h = decoder.layernorm_embedding(decoder.embed_tokens(tokens) + position)
        self.slots[:, :, self.length] = torch.arange(self.beams)  # this step's entries go to the beam's slot
        mask = self._history_mask()
        for index, layer in enumerate(decoder.layers):
            h = layer.self_attn_layer_norm(h + self._self_attention(index, layer.self_attn, h, mask))
            h = layer.encoder_attn_layer_norm(h + self._cross_attention(index, layer.encoder_attn, h))
            hidden = layer.activation_fn(self._apply(layer.fc1, h))
            h = layer.final_layer_norm(h + self._apply(layer.fc2, hidden))
        self.length += 1
        return h

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        """Decoder output (rows, d_model) -> vocabulary logits (rows, vocab); lm_head is tied to `shared`."""
        return self._apply(self.bart.lm_head, h) + self.bart.final_logits_bias

    def select(self, rows: torch.Tensor, chunks: torch.Tensor) -> None:
        """Continue with `rows` (indices of the current rows, grouped by chunk), from the `chunks` kept."""
        self.slots = self.slots.flatten(0, 1).index_select(0, rows).unflatten(0, (-1, self.beams))
        if len(chunks) < len(self.cross[0][0]):
            self.cross = [(k.index_select(0, chunks), v.index_select(0, chunks)) for k, v in self.cross]
            self.cache = [(k.index_select(0, chunks), v.index_select(0, chunks)) for k, v in self.cache]


def forced_token(length: int, max_length: int) -> int | None:
    """The token transformers' ForcedBOS/ForcedEOS processors force after `length` tokens, if any."""
    if length == max_length - 1:
        return EOS_ID
    if length == 1:
        return BOS_ID
    return None


def ban_repeated_ngrams(scores: torch.Tensor, sequences: torch.Tensor, n: int = NO_REPEAT_NGRAM_SIZE) -> None:
    """Set -inf (in place) on tokens that would repeat an n-gram already in the row (start token included)."""
    if sequences.shape[1] < n:
        return
    windows = sequences.unfold(1, n, 1)  # (rows, length - n + 1, n)
    prefix = sequences[:, sequences.shape[1] - n + 1 :]
    rows, starts = (windows[:, :, :-1] == prefix[:, None, :]).all(dim=-1).nonzero(as_tuple=True)
    scores[rows, windows[rows, starts, -1]] = -math.inf


def process_scores(scores: torch.Tensor, sequences: torch.Tensor, min_length: int) -> None:
    """transformers 4.26.1's processors for this config, in its order: NoRepeatNGram, MinLength (in place).

    ForcedBOS/ForcedEOS overwrite every score; the callers handle those steps with `forced_token`.
    """
    ban_repeated_ngrams(scores, sequences)
    if sequences.shape[1] < min_length:
        scores[:, EOS_ID] = -math.inf


def forced_scores(rows: int, vocab_size: int, token: int) -> torch.Tensor:
    """Scores after a forced-token processor: 0 for `token`, -inf elsewhere."""
    scores = torch.full((rows, vocab_size), -math.inf)
    scores[:, token] = 0.0
    return scores


def greedy_search(decoder: CachedDecoder, n_chunks: int, max_length: int, min_length: int) -> torch.Tensor:
    """transformers 4.26.1 greedy_search: processors on the raw logits, argmax; finished rows get PAD."""
    sequences = torch.full((n_chunks, 1), DECODER_START_ID)
    live = torch.arange(n_chunks)  # rows still generating, in the decoder's order
    while sequences.shape[1] < max_length and len(live):
        length = sequences.shape[1]
        token = forced_token(length, max_length)
        if token == EOS_ID:
            next_tokens = torch.full((len(live),), EOS_ID)
        else:
            hidden = decoder.step(sequences[live, -1])
            if token == BOS_ID:
                next_tokens = torch.full((len(live),), BOS_ID)
            else:
                scores = decoder.logits(hidden)
                process_scores(scores, sequences[live], min_length)
                next_tokens = scores.argmax(dim=-1)
        column = torch.full((n_chunks, 1), PAD_ID)
        column[live, 0] = next_tokens
        sequences = torch.cat([sequences, column], dim=1)
        still = next_tokens != EOS_ID
        if not still.all():
            live = live[still]
            kept = still.nonzero()[:, 0]
            decoder.select(kept, kept)
    return sequences


class BeamHypotheses:
    """Finished hypotheses of one chunk (transformers 4.26.1 BeamHypotheses, early_stopping=True)."""

    def __init__(self, num_beams: int) -> None:
        self.num_beams = num_beams
        self.beams: list[tuple[float, torch.Tensor]] = []
        self.worst_score = 1e9

    def add(self, tokens: torch.Tensor, sum_logprobs: float) -> None:
        # Normalised by the length without EOS but with the start token, in float64 as upstream.
        score = sum_logprobs / (tokens.shape[-1] ** LENGTH_PENALTY)
        if len(self.beams) < self.num_beams or score > self.worst_score:
            self.beams.append((score, tokens))
            if len(self.beams) > self.num_beams:
                ranked = sorted((s, i) for i, (s, _) in enumerate(self.beams))
                del self.beams[ranked[0][1]]
                self.worst_score = ranked[1][0]
            else:
                self.worst_score = min(score, self.worst_score)

    def is_done(self) -> bool:
        return len(self.beams) >= self.num_beams

    def best(self) -> torch.Tensor:
        return sorted(self.beams, key=lambda beam: beam[0])[-1][1]


def beam_search(
    decoder: CachedDecoder, n_chunks: int, num_beams: int, max_length: int, min_length: int
) -> torch.Tensor:
    """transformers 4.26.1 beam_search + BeamSearchScorer (length_penalty 1, early_stopping True).

    Per step: log_softmax, then processors, plus running beam scores; top 2*beams over beams x vocab;
    EOS candidates ranked below `num_beams` become hypotheses; the rest continue.
    """
    hypotheses = [BeamHypotheses(num_beams) for _ in range(n_chunks)]
    live = list(range(n_chunks))  # chunks still searching, in the decoder's order
    sequences = torch.full((n_chunks * num_beams, 1), DECODER_START_ID)
    beam_scores = torch.zeros(n_chunks, num_beams)
    beam_scores[:, 1:] = INITIAL_BEAM_SCORE
    beam_scores = beam_scores.flatten()
    vocab_size = decoder.bart.config.vocab_size
    while sequences.shape[1] < max_length and live:
        length = sequences.shape[1]
        token = forced_token(length, max_length)
        if token != EOS_ID:
            hidden = decoder.step(sequences[:, -1])
        if token is None:
            scores = F.log_softmax(decoder.logits(hidden), dim=-1)
            process_scores(scores, sequences, min_length)
        else:
            scores = forced_scores(len(sequences), vocab_size, token)
        scores = (scores + beam_scores[:, None]).view(len(live), -1)
        top_scores, top_indices = torch.topk(scores, 2 * num_beams, dim=1, largest=True, sorted=True)
        kept_chunks, rows, tokens, next_scores = [], [], [], []
        for position, (chunk, cand_scores, cand_indices) in enumerate(
            zip(live, top_scores.tolist(), top_indices.tolist(), strict=True)
        ):
            continuing = 0
            for rank, (score, index) in enumerate(zip(cand_scores, cand_indices, strict=True)):
                row = position * num_beams + index // vocab_size
                if index % vocab_size == EOS_ID:
                    if rank < num_beams:
                        hypotheses[chunk].add(sequences[row], score)
                    continue
                rows.append(row)
                tokens.append(index % vocab_size)
                next_scores.append(score)
                continuing += 1
                if continuing == num_beams:
                    break
            if hypotheses[chunk].is_done():
                del rows[-num_beams:], tokens[-num_beams:], next_scores[-num_beams:]
            else:
                kept_chunks.append(position)
        live = [live[position] for position in kept_chunks]
        rows = torch.tensor(rows, dtype=torch.long)
        sequences = torch.cat([sequences[rows], torch.tensor(tokens, dtype=torch.long)[:, None]], dim=1)
        beam_scores = torch.tensor(next_scores, dtype=torch.float32)
        decoder.select(rows, torch.tensor(kept_chunks, dtype=torch.long))
    for position, chunk in enumerate(live):  # reached max_length: live beams compete with the hypotheses
        for beam in range(num_beams):
            row = position * num_beams + beam
            hypotheses[chunk].add(sequences[row], beam_scores[row].item())
    return pad_hypotheses([h.best() for h in hypotheses], max_length)


def pad_hypotheses(best: list[torch.Tensor], max_length: int) -> torch.Tensor:
    """Stack hypotheses (without EOS) as 4.26.1's finalize: EOS appended where it fits, then PAD."""
    width = min(max(len(tokens) for tokens in best) + 1, max_length)
    out = torch.full((len(best), width), PAD_ID)
    for row, tokens in enumerate(best):
        out[row, : len(tokens)] = tokens
        if len(tokens) < width:
            out[row, len(tokens)] = EOS_ID
    return out


def build_model(config: dict | None = None, device: str = "cpu") -> LpMusicCaps:
    """An LP-MusicCaps model in eval mode with random weights; `config` like lpmc_small/config.json.

    With device "meta" nothing is allocated or initialised (for a checkpoint to fill in).
    """
    bart_config = dict(BART_BASE, **(config or {}).get("bart_config", {}))
    audio_dim = (config or {}).get("model_kwargs", {}).get("audio_dim", bart_config["d_model"])
    with torch.device(device):
        model = LpMusicCaps(BartConfig(**bart_config), audio_dim)
    return model.eval()


def load_checkpoint(path: str | Path, config: dict | None = None) -> LpMusicCaps:
    """Load an upstream checkpoint `{"state_dict", "epoch"}` strictly (no pickle code runs)."""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    # Skip the random initialisation: strict loading overwrites every parameter and buffer.
    model = build_model(config, device="meta").to_empty(device="cpu")
    model.bart.tie_weights()  # to_empty gave the embeddings and lm_head separate tensors
    model.load_state_dict(checkpoint["state_dict"], strict=True)
    return model


def load_bart_tokenizer(vocab: Path, merges: Path) -> BartTokenizer:
    """GPT-2 byte-level BPE tokenizer of facebook/bart-base, built offline from vocab.json and merges.txt."""
    with open(vocab, encoding="utf-8") as f:
        vocabulary = json.load(f)
    with open(merges, encoding="utf-8") as f:
        merge_rules = [tuple(line.split()) for line in f if line.strip() and not line.startswith("#version")]
    return BartTokenizer(vocab=vocabulary, merges=merge_rules)


class LpMusicCapsCaptioner:
    """LP-MusicCaps with its tokenizer: batches of 10 s chunks -> captions."""

    def __init__(self, model: LpMusicCaps, tokenizer: BartTokenizer) -> None:
        self.model = model
        self.tokenizer = tokenizer

    def caption(
        self, chunks: np.ndarray | torch.Tensor, num_beams: int = NUM_BEAMS, max_length: int = MAX_LENGTH
    ) -> list[str]:
        """One caption per 10 s chunk of 16 kHz audio (N, 160000)."""
        chunks = torch.as_tensor(chunks, dtype=torch.float32)
        if chunks.ndim != 2 or chunks.shape[1] != CHUNK_SAMPLES:
            raise AudioError(
                f"LP-MusicCaps needs 10 s chunks of 16 kHz audio, shape (N, {CHUNK_SAMPLES}); "
                f"got shape {tuple(chunks.shape)}."
            )
        if not torch.isfinite(chunks).all():
            raise AudioError("The audio contains NaN or infinite samples; it cannot be captioned.")
        batch_size = max(1, settings.CAPTION_BATCH_SIZE)
        captions = []
        for start in range(0, len(chunks), batch_size):
            ids = self.model.generate_ids(chunks[start : start + batch_size], num_beams, max_length)
            texts = self.tokenizer.batch_decode(
                ids, skip_special_tokens=True, clean_up_tokenization_spaces=True
            )
            captions += [text.strip() for text in texts]
        return captions


def load_lp_music_caps(files: dict[str, Path]) -> LpMusicCapsCaptioner:
    """Registry loader: roles "checkpoint" (.pth), "vocab" (vocab.json), "merges" (merges.txt), and optionally
    "config" (a JSON like upstream's model config with "bart_config"/"model_kwargs"; default bart-base)."""
    required = ("checkpoint", "vocab", "merges")
    missing = [role for role in required if role not in files or not Path(files[role]).is_file()]
    if missing:
        raise ModelUnavailable(f"LP-MusicCaps needs these files, which are missing: {', '.join(missing)}.")
    config = json.loads(Path(files["config"]).read_text(encoding="utf-8")) if "config" in files else None
    if settings.TORCH_THREADS > 0:
        torch.set_num_threads(settings.TORCH_THREADS)
    try:
        model = load_checkpoint(files["checkpoint"], config)
    except (RuntimeError, KeyError, ValueError, pickle.UnpicklingError) as error:
        reason = str(error).strip().splitlines()[0][:200]
        raise ModelUnavailable(
            f"{Path(files['checkpoint']).name} is not a readable LP-MusicCaps checkpoint ({reason}). "
            "Download transfer.pth, pretrain.pth or supervised.pth again from seungheondoh/lp-music-caps."
        ) from error
    try:
        tokenizer = load_bart_tokenizer(files["vocab"], files["merges"])
    except Exception as error:  # json, unicode and the tokenizers library's own errors
        raise ModelUnavailable(
            "vocab.json / merges.txt are not readable BPE tokenizer files; "
            "download them again from facebook/bart-base."
        ) from error
    return LpMusicCapsCaptioner(model, tokenizer)
