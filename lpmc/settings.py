"""All settings in one place, read from the environment (documented in README.md)."""

import ipaddress
import os
import re
from pathlib import Path

from lpmc.errors import LpmcError

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


def host_warning() -> str | None:
    """What to print at start when LPMC_HOST lets other machines reach the app; None on loopback."""
    try:
        loopback = HOST.lower() == "localhost" or ipaddress.ip_address(HOST.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost, which other machines may resolve
        loopback = False
    if loopback:
        return None
    return (
        f"LPMC_HOST={HOST}: lpmc is reachable from other machines, without a login. For a shared "
        "deployment put it behind a reverse proxy, turn on Gradio's auth and set LPMC_LIBRARY_DB; "
        "see the README."
    )


def weights_dir() -> Path:
    """Where a user drops weights copied from another machine (searched before the hub cache)."""
    return Path(env("LPMC_WEIGHTS_DIR") or Path.home() / ".cache" / "lpmc" / "weights")


def cache_dir() -> Path:
    """Where lpmc writes caches it can rebuild (catalog embeddings, ...)."""
    return Path(env("LPMC_CACHE_DIR") or Path.home() / ".cache" / "lpmc")


DEFAULT_LIBRARY = "default"
LIBRARY_ENTRY = re.compile(r"([\w-]+)\s*=\s*(.+)")  # "name=path"; a bare path has no name before "="


def library_dbs() -> dict[str, Path]:
    """The music libraries this server offers, by name, in the order given (LPMC_LIBRARY_DB): one path
    (named "default"), or several named ones, "jazz=/srv/jazz.sqlite;rock=/srv/rock.sqlite". Without
    the setting: "default" at <LPMC_CACHE_DIR>/library.sqlite. The app opens no other database."""
    libraries: dict[str, Path] = {}
    for entry in filter(None, (part.strip() for part in env("LPMC_LIBRARY_DB").split(";"))):
        named = LIBRARY_ENTRY.fullmatch(entry)
        name, path = named.groups() if named else (DEFAULT_LIBRARY, entry)
        if name in libraries:
            raise LpmcError(f"LPMC_LIBRARY_DB names the library '{name}' twice; give each its own name.")
        libraries[name] = Path(path.strip()).expanduser()
    return libraries or {DEFAULT_LIBRARY: cache_dir() / "library.sqlite"}


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
