"""All settings in one place, read from the environment (documented in README.md)."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = PACKAGE_DIR.parent / "assets"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def env(name: str, default: str = "") -> str:
    """An environment variable, stripped; read at call time so tests and users can change it."""
    return os.environ.get(name, default).strip()


# Server
HOST = env("LPMC_HOST", "127.0.0.1")
PORT = _int("LPMC_PORT", 7860)


def weights_dir() -> Path:
    """Where a user drops weights copied from another machine (searched before the hub cache)."""
    return Path(env("LPMC_WEIGHTS_DIR") or Path.home() / ".cache" / "lpmc" / "weights")


def cache_dir() -> Path:
    """Where lpmc writes caches it can rebuild (catalog embeddings, ...)."""
    return Path(env("LPMC_CACHE_DIR") or Path.home() / ".cache" / "lpmc")


# Torch threads for inference; 0 means torch's default.
TORCH_THREADS = _int("LPMC_TORCH_THREADS", 0)


def apply_torch_threads() -> None:
    """Set torch's thread count from LPMC_TORCH_THREADS (if torch is in use and a count is set)."""
    if TORCH_THREADS > 0:
        import torch

        if torch.get_num_threads() != TORCH_THREADS:
            torch.set_num_threads(TORCH_THREADS)


# Limits (documented in README.md)
MAX_AUDIO_SECONDS = _float("LPMC_MAX_AUDIO_SECONDS", 20 * 60)
MAX_UPLOAD_MB = _float("LPMC_MAX_UPLOAD_MB", 200)
MAX_TAGS = _int("LPMC_MAX_TAGS", 200)
MAX_IMAGE_PIXELS = _int("LPMC_MAX_IMAGE_PIXELS", 50_000_000)
CAPTION_BATCH_SIZE = _int("LPMC_CAPTION_BATCH_SIZE", 6)

# LLM endpoint (OpenAI-compatible). The key is read where it is used and never logged.
DEFAULT_LLM_MODEL = "gpt-3.5-turbo"


def llm_model() -> str:
    """The chat model name sent to the endpoint (LPMC_LLM_MODEL)."""
    return env("LPMC_LLM_MODEL", DEFAULT_LLM_MODEL)


LLM_TIMEOUT_SECONDS = _float("LPMC_LLM_TIMEOUT", 30.0)  # the whole call, retries and waiting included
LLM_MAX_RETRIES = _int("LPMC_LLM_RETRIES", 2)


def llm_concurrency() -> int:
    """Requests sent to one LLM endpoint at a time (LPMC_LLM_CONCURRENCY); more wait their turn within
    LPMC_LLM_TIMEOUT, so a hung endpoint holds at most this many callers."""
    return max(1, _int("LPMC_LLM_CONCURRENCY", 2))
