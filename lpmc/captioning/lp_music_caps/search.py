"""LP-MusicCaps decoding: BART's decoder stepped one token at a time, greedy and beam search.

Reproduces what upstream's `bart.generate()` returned under transformers 4.26.1, whose generation settings
came from the bart-base config (no_repeat_ngram_size 3, forced BOS/EOS, early stopping). Newer transformers
no longer take those from the model config, and beam search changed across releases, so the search is
written out here (4.26.1 semantics), which also lets it skip redundant work:
- the encoder's cross-attention keys/values are computed once per chunk, laid out for the product, and
  shared by its beams;
- the self-attention cache is never copied into the new beam order (see CachedDecoder);
- a chunk whose 5 hypotheses are final leaves the batch;
- steps whose token is forced (BOS first, EOS at max_length - 1) skip the vocabulary projection.
Rows are chunks x beams, the beams of a chunk adjacent; token ids are int64.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn
from transformers import BartForConditionalGeneration

from lpmc.captioning.lp_music_caps.packing import Linear

# Generation settings upstream got from the bart-base config.
PAD_ID, BOS_ID, EOS_ID, DECODER_START_ID = 1, 0, 2, 2
NO_REPEAT_NGRAM_SIZE = 3
LENGTH_PENALTY = 1.0
NUM_BEAMS = 5
MAX_LENGTH = 128  # counts the decoder start token
MIN_LENGTH = 2
INITIAL_BEAM_SCORE = -1e9  # beams 1.. start "impossible" so step 1 does not pick the same token 5 times


def generate(
    bart: BartForConditionalGeneration,
    encoder_states: torch.Tensor,
    num_beams: int = NUM_BEAMS,
    max_length: int = MAX_LENGTH,
    min_length: int = MIN_LENGTH,
    linears: dict[nn.Linear, Linear] | None = None,
) -> torch.Tensor:
    """Encoder states (N, 32, d_model) -> token ids (N, L) as upstream's generate(): rows start `2 0`,
    end with EOS 2, padded with PAD 1. `linears` replaces decoder Linear layers (packed ones)."""
    decoder = CachedDecoder(bart, encoder_states, num_beams, max_length, linears)
    if num_beams == 1:
        return greedy_search(decoder, len(encoder_states), max_length, min_length)
    return beam_search(decoder, len(encoder_states), num_beams, max_length, min_length)


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
        # Keys transposed, both contiguous: strided ones were copied at every step (1.6% of the time).
        self.cross = [
            (
                self._split_heads(layer.encoder_attn.k_proj(encoder_states)).transpose(-1, -2).contiguous(),
                self._split_heads(layer.encoder_attn.v_proj(encoder_states)).contiguous(),
            )
            for layer in self.decoder.layers
        ]
        chunks, _, d_model = encoder_states.shape
        # Per layer: keys and values (chunks, heads, time, slot, head_dim).
        shape = (chunks, self.heads, max_length, beams, d_model // self.heads)
        self.cache = [(torch.empty(shape), torch.empty(shape)) for _ in self.decoder.layers]
        self.slots = torch.zeros(chunks, beams, max_length, dtype=torch.long)  # (chunk, beam, time) -> slot
        self.length = 0
        # Adding BART's all-zero final_logits_bias changes no logit; skipping it saves a pass over 30 x 50265.
        bias = bart.final_logits_bias
        self.logits_bias = bias if bias.any() else None

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
        keys_t: torch.Tensor,
        values: torch.Tensor,
        scale: float,
        mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Eager attention over transposed keys (..., head_dim, time): as fast as SDPA's kernels at these
        sizes (a few queries per chunk)."""
        scores = torch.matmul(q, keys_t) * scale
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
        keys_t = keys[:, :, history].flatten(2, 3).transpose(-1, -2)
        out = self._attention(q, keys_t, values[:, :, history].flatten(2, 3), attn.scaling, mask)
        return self._apply(attn.out_proj, out.transpose(1, 2).flatten(2).flatten(0, 1))

    def _cross_attention(self, index: int, attn: nn.Module, h: torch.Tensor) -> torch.Tensor:
        keys_t, values = self.cross[index]
        out = self._attention(self._by_chunk(self._apply(attn.q_proj, h)), keys_t, values, attn.scaling)
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
        logits = self._apply(self.bart.lm_head, h)
        if self.logits_bias is not None:
            logits += self.logits_bias
        return logits

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
        scores = scores.add_(beam_scores[:, None]).view(len(live), -1)
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


def stack_padded(groups: list[torch.Tensor]) -> torch.Tensor:
    """Token ids of groups of chunks searched apart -> one (N, L) tensor, as if searched together: the
    shorter groups padded with PAD (each row already ends with its EOS where it fits)."""
    width = max(ids.shape[1] for ids in groups)
    return torch.cat([F.pad(ids, (0, width - ids.shape[1]), value=PAD_ID) for ids in groups])
