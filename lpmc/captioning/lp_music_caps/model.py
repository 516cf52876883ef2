"""LP-MusicCaps (Doh et al., ISMIR 2023): 10 s audio chunks -> caption token ids, conv front end + BART-base.

A reimplementation of upstream seungheondoh/lp-music-caps (`model/bart.py`) on transformers'
`BartForConditionalGeneration`; module names match the published checkpoints' keys (checkpoint.py loads
them strictly). Decoding is search.py's.

Under OMP_WAIT_POLICY=PASSIVE the chunks are split into one group per torch thread, each encoded and
searched by a single-threaded worker (lpmc/parallel.py). A step runs ~130 small parallel regions, and a
sleeping OpenMP thread takes 70-100 us to wake on these machines, so one search on 2 threads spent ~10 ms
per step waiting. With one thread each, oneDNN's kernels do as many FLOP/s on 15 rows as on 30 with two
threads, and the rest of a step (attention, softmax, top-k, Python) runs side by side. Same run, 6 chunks,
2 threads: 6.0 s instead of 6.5 s (AVX-512, load 1.3), 6.9 s instead of 8.3 s (AVX2 limits, load 1.7),
28.8 s instead of 35.7 s (load 7). With spinning OpenMP threads (ACTIVE) one search of all rows is kept.
"""

import torch
from torch import nn
from transformers import BartConfig, BartForConditionalGeneration

from lpmc import parallel
from lpmc.captioning.lp_music_caps import search
from lpmc.captioning.lp_music_caps.frontend import AudioEncoder
from lpmc.captioning.lp_music_caps.packing import Linear, PackedLinears


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
        self._packed = PackedLinears()

    def encode(self, chunks: torch.Tensor) -> torch.Tensor:
        """Audio chunks (N, 160000) float32 at 16 kHz -> BART encoder last hidden state (N, 32, d_model)."""
        with torch.inference_mode():
            # BART adds its learned positions on top of the sinusoids, as upstream does.
            return self.bart.model.encoder(inputs_embeds=self.audio_encoder(chunks)).last_hidden_state

    def generate_ids(
        self,
        chunks: torch.Tensor,
        num_beams: int = search.NUM_BEAMS,
        max_length: int = search.MAX_LENGTH,
        min_length: int = search.MIN_LENGTH,
    ) -> torch.Tensor:
        """Token ids (N, L) as upstream's generate(): rows start `2 0`, end with EOS 2, padded with 1."""
        with torch.inference_mode():
            linears = self.packed_decoder_linears()

        def encode_and_search(group: torch.Tensor) -> torch.Tensor:
            return search.generate(self.bart, self.encode(group), num_beams, max_length, min_length, linears)

        # Chunks are encoded and searched independently: groups give the same ids as one batch.
        groups = chunks.tensor_split(min(parallel.workers(), len(chunks)))
        return search.stack_padded(parallel.map_single_threaded(encode_and_search, groups))

    def packed_decoder_linears(self) -> dict[nn.Linear, Linear]:
        """The decoder's Linear layers and lm_head, packed once (again only if a weight was changed since)."""
        modules = [self.bart.lm_head, *self.bart.model.decoder.modules()]
        # Dynamically quantised Linear layers are not nn.Linear: they run as they are.
        return self._packed.pack([module for module in modules if isinstance(module, nn.Linear)])
