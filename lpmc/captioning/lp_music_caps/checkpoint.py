"""LP-MusicCaps checkpoints: building the model, loading upstream's weights strictly, the BART tokenizer, and
the registry loader that puts them together as a captioner.

The published checkpoints (transfer.pth, pretrain.pth, supervised.pth) are `{"state_dict", "epoch"}`
dictionaries, read with weights_only so no pickled code runs.
"""

import json
import pickle
from pathlib import Path

import torch
from transformers import BartConfig, BartTokenizer

from lpmc.captioning.lp_music_caps.captioner import LpMusicCapsCaptioner
from lpmc.captioning.lp_music_caps.model import LpMusicCaps
from lpmc.errors import ModelUnavailable

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


def load_lp_music_caps(files: dict[str, Path]) -> LpMusicCapsCaptioner:
    """Registry loader: roles "checkpoint" (.pth), "vocab" (vocab.json), "merges" (merges.txt), and optionally
    "config" (a JSON like upstream's model config with "bart_config"/"model_kwargs"; default bart-base)."""
    required = ("checkpoint", "vocab", "merges")
    missing = [role for role in required if role not in files or not Path(files[role]).is_file()]
    if missing:
        raise ModelUnavailable(f"LP-MusicCaps needs these files, which are missing: {', '.join(missing)}.")
    config = json.loads(Path(files["config"]).read_text(encoding="utf-8")) if "config" in files else None
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
