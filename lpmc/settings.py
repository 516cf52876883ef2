"""All settings in one place, read from the environment when they are used (documented in README.md),
so a test or a user can change one without restarting or re-importing anything."""

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


def host() -> str:
    """Address the app binds to (LPMC_HOST); loopback unless the user means to share it."""
    return env("LPMC_HOST", "127.0.0.1")


def port() -> int:
    """Port of the app (LPMC_PORT)."""
    return _int("LPMC_PORT", 7860)


def host_warning() -> str | None:
    """What to print at start when LPMC_HOST lets other machines reach the app; None on loopback."""
    address = host()
    try:
        loopback = address.lower() == "localhost" or ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost, which other machines may resolve
        loopback = False
    if loopback:
        return None
    return (
        f"LPMC_HOST={address}: lpmc is reachable from other machines, without a login. For a shared "
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


def torch_threads() -> int:
    """Threads for inference (LPMC_TORCH_THREADS); 0 means the library's default."""
    return _int("LPMC_TORCH_THREADS", 0)


def explicit_filter() -> bool:
    """Leave songs with explicit titles out of recommendations (LPMC_EXPLICIT_FILTER; on unless "0",
    "false", "no" or "off")."""
    return env("LPMC_EXPLICIT_FILTER", "1").lower() not in ("0", "false", "no", "off")


# Limits (documented in README.md)


def max_audio_seconds() -> float:
    """Longest audio accepted (LPMC_MAX_AUDIO_SECONDS, 20 min)."""
    return _float("LPMC_MAX_AUDIO_SECONDS", 20 * 60)


def max_upload_mb() -> float:
    """Largest upload the app accepts (LPMC_MAX_UPLOAD_MB)."""
    return _float("LPMC_MAX_UPLOAD_MB", 200)


def max_tags() -> int:
    """Most tags used for one caption (LPMC_MAX_TAGS)."""
    return _int("LPMC_MAX_TAGS", 200)


def max_image_pixels() -> int:
    """Largest photo decoded, width x height (LPMC_MAX_IMAGE_PIXELS)."""
    return _int("LPMC_MAX_IMAGE_PIXELS", 50_000_000)


def caption_batch_size() -> int:
    """10 s chunks LP-MusicCaps captions per batch (LPMC_CAPTION_BATCH_SIZE)."""
    return _int("LPMC_CAPTION_BATCH_SIZE", 6)


# LLM backends. The key is read where it is used and never logged.
DEFAULT_LLM_MODEL = "gpt-3.5-turbo"


def llm_model() -> str:
    """The chat model name sent to the endpoint (LPMC_LLM_MODEL)."""
    return env("LPMC_LLM_MODEL", DEFAULT_LLM_MODEL)


def llm_timeout() -> float:
    """Seconds an LLM call may take in all (LPMC_LLM_TIMEOUT): waiting, every try and the pauses between."""
    return _float("LPMC_LLM_TIMEOUT", 30.0)


def llm_retries() -> int:
    """Retries on 429, 5xx and dropped connections, within the timeout (LPMC_LLM_RETRIES)."""
    return _int("LPMC_LLM_RETRIES", 2)


def llm_max_tokens() -> int:
    """Most tokens an LLM backend may write for one caption (LPMC_LLM_MAX_TOKENS)."""
    return _int("LPMC_LLM_MAX_TOKENS", 400)


def llm_concurrency() -> int:
    """Requests sent to one LLM endpoint at a time (LPMC_LLM_CONCURRENCY); more wait their turn within
    LPMC_LLM_TIMEOUT, so a hung endpoint holds at most this many callers."""
    return max(1, _int("LPMC_LLM_CONCURRENCY", 2))
