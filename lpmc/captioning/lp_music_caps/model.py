"""LP-MusicCaps (Doh et al., ISMIR 2023): 10 s audio chunks -> caption token ids, conv front end + BART-base.

A reimplementation of upstream seungheondoh/lp-music-caps (`model/bart.py`) on transformers'
`BartForConditionalGeneration`; module names match the published checkpoints' keys (checkpoint.py loads
them strictly). Decoding is search.py's, all chunks of a batch in one search on torch's threads: every
step then reads the decoder's ~350 MB of weights once for all 30 rows (6 chunks x 5 beams), instead of once
per group of chunks searched side by side (bench/captioning.py: 9.3 s instead of 15.2 s under
OMP_WAIT_POLICY=PASSIVE on 2 busy cores, CPU time 7.4 s instead of 9.6 s).
"""

import torch
from torch import nn
from transformers import BartConfig, BartForConditionalGeneration

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
            return search.generate(self.bart, self.encode(chunks), num_beams, max_length, min_length, linears)

    def packed_decoder_linears(self) -> dict[nn.Linear, Linear]:
        """The decoder's Linear layers and lm_head, packed once (again only if a weight was changed since)."""
        modules = [self.bart.lm_head, *self.bart.model.decoder.modules()]
        # Dynamically quantised Linear layers are not nn.Linear: they run as they are.
        return self._packed.pack([module for module in modules if isinstance(module, nn.Linear)])
