"""The local transformers chat backend, with a tiny randomly initialised model built offline by the test."""

import dataclasses

import pytest

from lpmc.errors import ModelUnavailable
from lpmc.text.local_llm import load_local_llm
from lpmc.text.prompts import build_prompt

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_tiny_chat_model(folder, chat_template=CHAT_TEMPLATE):
    """A 2-layer Qwen2 with a word-level tokenizer over a small vocabulary, saved like a hub checkpoint."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    words = "a song with piano rock guitar the is slow fast sad happy music and of tags write".split()
    specials = ["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    vocab = {token: i for i, token in enumerate(specials + words)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="<unk>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
    )
    if chat_template:
        tokenizer.chat_template = chat_template
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        eos_token_id=vocab["<|im_end|>"],
        pad_token_id=vocab["<|endoftext|>"],
        tie_word_embeddings=True,
    )
    Qwen2ForCausalLM(config).save_pretrained(folder)
    return folder


def test_local_model_answers_deterministically(tmp_path, monkeypatch):
    monkeypatch.setenv("LPMC_LLM_MAX_TOKENS", "12")
    model = load_local_llm({"dir": build_tiny_chat_model(tmp_path / "tiny-chat")}).chat
    messages = build_prompt(["rock", "piano"], "writing")
    first, second = model.complete(messages), model.complete(messages)
    assert first == second  # greedy decoding
    assert isinstance(first, str) and "<|im_start|>" not in first
    assert model.name == "tiny-chat"


def test_local_model_without_chat_template_is_refused(tmp_path):
    folder = build_tiny_chat_model(tmp_path / "base-model", chat_template=None)
    with pytest.raises(ModelUnavailable, match="no chat template"):
        load_local_llm({"dir": folder})


def test_tags_to_caption_with_a_registered_local_model(tmp_path, monkeypatch):
    from lpmc import registry
    from lpmc.text import tags_to_caption

    monkeypatch.setenv("LPMC_LLM_MAX_TOKENS", "8")
    monkeypatch.setenv("LPMC_LOCAL_LLM_DIR", str(build_tiny_chat_model(tmp_path / "tiny-chat")))
    entry = dataclasses.replace(
        registry.MODELS["local-chat-llm"],
        source=registry.HubRepo("Qwen/Qwen2.5-0.5B-Instruct", env_var="LPMC_LOCAL_LLM_DIR"),
    )
    monkeypatch.setitem(registry.MODELS, "local-chat-llm", entry)
    registry.reset()
    caption = tags_to_caption(["rock", "piano"], "summary", "local")
    registry.reset()  # the tiny model must not outlive the test
    assert caption.backend == "local-chat-llm" and caption.model == "tiny-chat" and caption.note == ""
    assert isinstance(caption.text, str) and "single-sentence summary" in caption.prompt
