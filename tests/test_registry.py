"""The registry: plain data, honest availability, lazy shared loading, and the `models` CLI."""

import json
import os
import subprocess
import sys
import threading

import pytest

from lpmc import registry
from lpmc.errors import ModelUnavailable
from tests.conftest import PROJECT_DIR

LPMC_FILES = ("transfer.pth", "vocab.json", "merges.txt")


def test_every_entry_is_complete_plain_data():
    for name, entry in registry.MODELS.items():
        assert entry.name == name
        assert entry.task in registry.TASKS
        assert ":" in entry.loader
        assert entry.license and entry.citation and entry.size_mb > 0
        assert registry.describe_source(entry.source)


def test_every_task_has_a_default_that_runs_offline():
    for task in registry.TASKS:
        defaults = [e for e in registry.MODELS.values() if e.task == task and e.default]
        assert len(defaults) == 1, task
        assert registry.availability(defaults[0].name), registry.availability(defaults[0].name).reason


def test_lp_music_caps_is_unavailable_offline_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("LPMC_WEIGHTS_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    status = registry.availability("lp-music-caps-transfer")
    assert not status
    assert "transfer.pth" in status.reason and "HF_HUB_OFFLINE" in status.reason
    with pytest.raises(ModelUnavailable, match="LPMC_WEIGHTS_DIR"):
        registry.resolve_files("lp-music-caps-transfer")


def test_weights_dir_is_searched_first(tmp_path, monkeypatch):
    monkeypatch.setenv("LPMC_WEIGHTS_DIR", str(tmp_path))
    for filename in LPMC_FILES:
        (tmp_path / filename).write_bytes(b"placeholder")
    status = registry.availability("lp-music-caps-transfer")
    assert status, status.reason
    assert registry.resolve_files("lp-music-caps-transfer")["checkpoint"] == tmp_path / "transfer.pth"
    assert not registry.availability("lp-music-caps-pretrain")  # only transfer.pth was placed


def test_endpoint_needs_configuration_and_never_shows_the_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert not registry.availability("llm-endpoint")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    status = registry.availability("llm-endpoint")
    assert status and "sk-test-secret-123" not in status.reason


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ModelUnavailable, match="all-minilm-l6-v2"):
        registry.load("no-such-model")


def test_load_is_lazy_once_and_thread_safe():
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(registry.load("all-minilm-l6-v2"))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(model) for model in results}) == 1


def _models_cli(tmp_path) -> dict[str, dict]:
    env = {**os.environ, "LPMC_WEIGHTS_DIR": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    out = subprocess.run(
        [sys.executable, "-m", "lpmc", "models", "--json"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {row["name"]: row for row in json.loads(out.stdout)}


def test_models_cli_reports_reasons_and_sees_placed_weights(tmp_path):
    rows = _models_cli(tmp_path)
    assert not rows["lp-music-caps-transfer"]["available"]
    assert "not in LPMC_WEIGHTS_DIR" in rows["lp-music-caps-transfer"]["reason"]
    assert rows["all-minilm-l6-v2"]["available"]
    for filename in LPMC_FILES:
        (tmp_path / filename).write_bytes(b"placeholder")
    rows = _models_cli(tmp_path)
    assert rows["lp-music-caps-transfer"]["available"]
