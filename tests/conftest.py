"""Shared test setup: never touch the network, and find ../shared for optional conformance checks."""

import os
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("LPMC_TORCH_THREADS", "2")

import pytest  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("LPMC_SHARED_DIR", PROJECT_DIR.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; tests that need it skip when it is absent (a user's clone)."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is not present (conformance data is optional)")
    return SHARED_DIR
