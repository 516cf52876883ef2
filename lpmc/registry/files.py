"""Where a registry entry's files are on this machine, and whether the entry can run here now.

One function per kind of source. Shipped assets are checked against their sha256 (once per file
version); hub files are looked for where a user may have put them before the hub is asked; an endpoint
only needs to be configured. Reasons are sentences a user can act on, without local paths.
"""

import hashlib
import importlib.util
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from lpmc import settings
from lpmc.errors import ModelUnavailable
from lpmc.registry.entries import (
    MODELS,
    Asset,
    Composite,
    Endpoint,
    HubFiles,
    HubRepo,
    ModelEntry,
    PyPIPackage,
    Source,
)

HUB_PROBE_SECONDS = 1.0
HUB_PROBE_TTL = 60.0


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str  # why not, or where it comes from when it is

    def __bool__(self) -> bool:
        return self.available


class Missing(Exception):
    """A file or setting a model needs is absent; the message is the reason shown to the user."""


def get(name: str) -> ModelEntry:
    """The entry called `name`; ModelUnavailable with the known names otherwise."""
    if name not in MODELS:
        raise ModelUnavailable(f"Unknown model '{name}'. Known models: {', '.join(MODELS)}.")
    return MODELS[name]


def availability(name: str) -> Availability:
    """Whether `name` can run here now, with a reason a person can act on."""
    try:
        files = resolve(get(name), download=False)
    except (Missing, ModelUnavailable) as missing:
        return Availability(False, str(missing))
    return Availability(True, _where(get(name), files))


def resolve_files(name: str) -> dict[str, Path]:
    """Local paths of the model's files (downloading from the hub when that is possible)."""
    try:
        return resolve(get(name), download=True)
    except Missing as missing:
        raise ModelUnavailable(f"{name} is not available: {missing}") from None


def describe_source(source: Source) -> str:
    """One short line saying where a model comes from (no local paths)."""
    match source:
        case Asset(files):
            return "shipped: " + ", ".join(f"assets/{path}" for path, _ in files.values())
        case PyPIPackage(package, _, _):
            return f"PyPI package {package}"
        case HubFiles(files, env_var):
            hub = "Hugging Face: " + ", ".join(f"{repo}/{filename}" for repo, filename in files.values())
            return hub + (f" (or the file named by {env_var})" if env_var else "")
        case HubRepo(repo_id, env_var):
            return f"Hugging Face: {repo_id}" + (f" (or a local folder in {env_var})" if env_var else "")
        case Endpoint():
            return "OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY, LPMC_LLM_MODEL)"
        case Composite(parts):
            return "built-in, from " + ", ".join(parts)
    raise TypeError(f"unknown source {source!r}")


def resolve(entry: ModelEntry, download: bool) -> dict[str, Path]:
    """role -> local path of each of the entry's files; Missing with the reason when one is absent."""
    match entry.source:
        case Asset(files):
            return {role: _asset_file(path, sha256) for role, (path, sha256) in files.items()}
        case PyPIPackage():
            return {"dir": _package_folder(entry.source)}
        case HubFiles():
            return _hub_files(entry.source, download)
        case HubRepo():
            return {"dir": _hub_repo(entry.source, download)}
        case Endpoint():
            _check_endpoint_configured()
            return {}
        case Composite(parts):
            for part in parts:
                status = availability(part)
                if not status:
                    raise Missing(f"needs {part}, which is unavailable: {status.reason}")
            return {}
    raise TypeError(f"unknown source {entry.source!r}")


def _where(entry: ModelEntry, files: dict[str, Path]) -> str:
    if isinstance(entry.source, Endpoint):
        host = urlparse(settings.env("OPENAI_BASE_URL")).hostname or "OpenAI"
        return f"endpoint at {host}, model {settings.llm_model()} (reachability is checked on use)"
    if isinstance(entry.source, Composite):
        return "built in"
    if isinstance(entry.source, PyPIPackage):
        return f"ready: installed with the package {entry.source.package}"
    if any(not path.exists() for path in files.values()):
        return "will be downloaded from the Hugging Face hub on first use"
    return "ready: " + ", ".join(_display_path(path) for path in files.values())


def _display_path(path: Path) -> str:
    """assets/... for shipped files; only the file name for anything else (no local paths are shown)."""
    try:
        return "assets/" + str(path.relative_to(settings.ASSETS_DIR))
    except ValueError:
        return path.name


_verified: dict[tuple[str, int, int], bool] = {}


def _asset_file(relative_path: str, sha256: str) -> Path:
    path = settings.ASSETS_DIR / relative_path
    if not path.is_file():
        raise Missing(f"assets/{relative_path} is missing; reinstall lpmc or restore the file from git.")
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = _sha256(path) == sha256
    if not _verified[key]:
        raise Missing(f"assets/{relative_path} does not match its sha256; restore it from git.")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_folder(source: PyPIPackage) -> Path:
    spec = importlib.util.find_spec(source.module)
    if spec is None or not spec.submodule_search_locations:
        raise Missing(f"the Python package {source.package} is not installed (pip install {source.package}).")
    folder = Path(next(iter(spec.submodule_search_locations))) / source.folder
    if not folder.is_dir():
        raise Missing(f"the package {source.package} has no {source.folder}/ folder; reinstall it.")
    return folder


def _weights_dir_candidates(repo_id: str, filename: str) -> list[Path]:
    root = settings.weights_dir()
    return [root / filename, root / repo_id / filename, root / repo_id.split("/")[-1] / filename]


def _hub_files(source: HubFiles, download: bool) -> dict[str, Path]:
    files = dict(source.files)
    resolved = {}
    if source.env_var and settings.env(source.env_var):
        role = next(iter(files))
        named = Path(settings.env(source.env_var)).expanduser()
        if not named.is_file():
            raise Missing(f"{source.env_var} does not name a readable file.")
        resolved[role] = named
        del files[role]
    for role, (repo, filename) in files.items():
        resolved[role] = _hub_file(repo, filename, download, source.env_var)
    return resolved


def _hub_file(repo_id: str, filename: str, download: bool, env_var: str = "") -> Path:
    for candidate in _weights_dir_candidates(repo_id, filename):
        if candidate.is_file():
            return candidate
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(repo_id, filename)
    if isinstance(cached, str):
        return Path(cached)
    reason = _hub_unreachable_reason()
    if reason:
        named = f"the file named by {env_var}, " if env_var else ""
        raise Missing(
            f"{filename} ({repo_id}) is not in {named}LPMC_WEIGHTS_DIR nor in the Hugging Face cache, "
            f"and {reason}. Copy the file into LPMC_WEIGHTS_DIR (see README)."
        )
    if not download:
        return settings.weights_dir() / "not-downloaded-yet" / filename
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(repo_id, filename))


def _hub_repo(source: HubRepo, download: bool) -> Path:
    folder_name = source.repo_id.split("/")[-1]
    named = settings.env(source.env_var) if source.env_var else ""
    local = [Path(named).expanduser()] if named else []
    for candidate in [*local, settings.weights_dir() / source.repo_id, settings.weights_dir() / folder_name]:
        if (candidate / "config.json").is_file():
            return candidate
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(source.repo_id, local_files_only=True))
    except LocalEntryNotFoundError:
        pass
    reason = _hub_unreachable_reason()
    where = ""
    if source.env_var:
        where = f"{source.env_var} ({'no model folder there' if named else 'unset'}) or "
    if reason:
        raise Missing(
            f"{source.repo_id} is not in {where}LPMC_WEIGHTS_DIR nor in the Hugging Face cache, and {reason}."
        )
    if not download:
        return settings.weights_dir() / "not-downloaded-yet" / folder_name
    return Path(snapshot_download(source.repo_id))


def _check_endpoint_configured() -> None:
    if not settings.env("OPENAI_BASE_URL") and not settings.env("OPENAI_API_KEY"):
        raise Missing(
            "no LLM endpoint is configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local OpenAI-compatible server such as llama.cpp, vLLM or Ollama)."
        )


_hub_probe: dict[str, tuple[float, str]] = {}


def _hub_unreachable_reason() -> str:
    """'' when the hub can be reached, else why not (offline mode, or no connection)."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return "HF_HUB_OFFLINE is set"
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    now = time.monotonic()
    if endpoint in _hub_probe and now - _hub_probe[endpoint][0] < HUB_PROBE_TTL:
        return _hub_probe[endpoint][1]
    host = urlparse(endpoint).hostname or "huggingface.co"
    outcome: list[bool] = []
    finished = threading.Event()
    # A thread, because name resolution itself has no timeout and may hang on a closed network; a refusal
    # or a failed lookup answers at once, so an offline machine rarely waits the whole probe.
    threading.Thread(target=_try_connect, args=(host, outcome, finished), daemon=True).start()
    finished.wait(HUB_PROBE_SECONDS)
    reason = "" if outcome == [True] else f"the Hugging Face hub ({host}) is unreachable from this machine"
    _hub_probe[endpoint] = (now, reason)
    return reason


def _try_connect(host: str, outcome: list[bool], finished: threading.Event) -> None:
    try:
        socket.create_connection((host, 443), timeout=HUB_PROBE_SECONDS).close()
        outcome.append(True)
    except OSError:
        outcome.append(False)
    finished.set()
