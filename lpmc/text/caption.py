"""Tags -> caption: pick a backend, build the prompt, write, and say who wrote it and why.

Backends: `openai` (any OpenAI-compatible endpoint), `local` (a transformers chat model through the
registry), `builtin` (the offline writer), and `auto`: the endpoint when one is configured and answers,
else the built-in writer, with a note saying why the stronger backend was not used.
"""

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Protocol

from lpmc import registry, settings
from lpmc.errors import BackendError, InputError, ModelUnavailable
from lpmc.text import llm, prompts, writer

log = logging.getLogger(__name__)

BACKENDS = ("auto", "builtin", "openai", "local")
# Registry names of the backends.
REGISTRY_NAMES = {"builtin": "tag-writer", "openai": "llm-endpoint", "local": "local-chat-llm"}
NOT_CONFIGURED = (
    "No LLM endpoint configured (set OPENAI_BASE_URL / OPENAI_API_KEY); written by the built-in writer."
)
CHOSEN_BUILTIN = "The built-in writer was chosen; choose auto or openai to use an LLM endpoint."
MAX_TAG_CHARS = 100


@dataclass
class Caption:
    """A written caption and where it came from."""

    text: str
    backend: str  # which backend wrote it: "builtin", "openai" or "local"
    note: str = ""  # why a stronger backend was not used, or ""
    prompt: str = ""  # the exact prompt sent (or that would be sent to an LLM)
    model: str = ""  # the model behind the backend, e.g. "gpt-4o-mini at http://127.0.0.1:8080/v1"
    new_attributes: list[str] = field(default_factory=list)  # attribute_prediction only
    raw: str = ""  # the LLM's raw answer when it could not be parsed
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def parse_tags(text: str) -> list[str]:
    """Tags from comma- or newline-separated text: stripped, empties dropped, case-insensitive duplicates
    removed keeping the first spelling."""
    return unique_tags(re.split(r"[,\n\r]+", text or ""))


def unique_tags(tags: list[str]) -> list[str]:
    """Tags with whitespace collapsed, empties dropped, case-insensitive duplicates removed (first kept)."""
    seen, unique = set(), []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            unique.append(tag)
    return unique


def clean_tags(tags: list[str] | str) -> tuple[list[str], list[str]]:
    """(usable tags, warnings): a list is deduplicated, a string parsed; long tags cut; at most MAX_TAGS."""
    cleaned = parse_tags(tags) if isinstance(tags, str) else unique_tags(tags)
    if not cleaned:
        raise InputError('Give at least one tag, e.g. "lo-fi, mellow piano, slow tempo".')
    warnings = []
    if any(len(tag) > MAX_TAG_CHARS for tag in cleaned):
        warnings.append(f"Tags longer than {MAX_TAG_CHARS} characters were shortened.")
        cleaned = [tag[:MAX_TAG_CHARS] for tag in cleaned]
    if len(cleaned) > settings.MAX_TAGS:
        warnings.append(
            f"{settings.MAX_TAGS} tags is the limit; {len(cleaned) - settings.MAX_TAGS} were ignored."
        )
        cleaned = cleaned[: settings.MAX_TAGS]
    return cleaned, warnings


def tags_to_caption(tags: list[str] | str, style: str = "writing", backend: str = "auto") -> Caption:
    """Write a caption for `tags` (a list, or comma-separated text) in `style` (one of STYLES) with
    `backend` (one of BACKENDS). InputError for no tags or an unknown style/backend; BackendError when a
    chosen LLM fails (`auto` falls back to the built-in writer instead and says why in `note`)."""
    if style not in prompts.STYLES:
        raise InputError(f"Unknown style '{style}'. Choose one of: {', '.join(prompts.STYLES)}.")
    if backend not in BACKENDS:
        raise InputError(f"Unknown backend '{backend}'. Choose one of: {', '.join(BACKENDS)}.")
    tags, warnings = clean_tags(tags)
    messages = prompts.build_prompt(tags, style)
    if backend == "builtin":
        caption = write_builtin(tags, style)
        caption.note = CHOSEN_BUILTIN
    elif backend == "auto" and not llm.endpoint_configured():
        caption = write_builtin(tags, style)
        caption.note = NOT_CONFIGURED
    elif backend == "auto":
        try:
            caption = write_with_llm(llm_model("openai"), "openai", messages, style)
        except BackendError as error:
            log.warning("LLM endpoint failed, using the built-in writer: %s", error)
            caption = write_builtin(tags, style)
            caption.note = f"{error} Written by the built-in writer instead."
    else:
        caption = write_with_llm(llm_model(backend), backend, messages, style)
    caption.prompt = prompts.prompt_text(messages)
    caption.warnings = warnings + caption.warnings
    return caption


def write_builtin(tags: list[str], style: str) -> Caption:
    """The built-in writer's caption (with co-occurrence predictions for attribute_prediction)."""
    new_attributes = []
    if style == "attribute_prediction":
        new_attributes = cooccurrence_model().predict(tags, prompts.NEW_ATTRIBUTES)
    text = writer.write_caption(tags + new_attributes, style)
    return Caption(
        text=text,
        backend="builtin",
        model="lexicon + MiniLM + tag co-occurrence statistics",
        new_attributes=new_attributes,
    )


class ChatModel(Protocol):
    """What an LLM backend offers: chat messages in, reply text out (BackendError on failure)."""

    def complete(self, messages: list[dict[str, str]]) -> str: ...


def write_with_llm(model: ChatModel, backend: str, messages: list[dict[str, str]], style: str) -> Caption:
    """Ask an LLM; for attribute_prediction read its JSON, or say it was not JSON and keep the raw text."""
    reply = model.complete(messages)
    name = llm.endpoint_name() if backend == "openai" else getattr(model, "name", backend)
    if style != "attribute_prediction":
        return Caption(text=reply, backend=backend, model=name)
    parsed = llm.read_attribute_reply(reply)
    if parsed is None:
        return Caption(
            text=reply,
            backend=backend,
            model=name,
            raw=reply,
            warnings=[
                "The LLM did not answer with the JSON asked for, so no new attributes could be "
                "read; its raw answer is shown as the caption."
            ],
        )
    new_attributes, description = parsed
    return Caption(text=description, backend=backend, model=name, new_attributes=new_attributes)


def llm_model(backend: str) -> ChatModel:
    """The chat model object behind `backend` ("openai" or "local"), loaded once through the registry."""
    name = REGISTRY_NAMES[backend]
    status = registry.availability(name)
    if not status:
        raise ModelUnavailable(f"The {backend} backend is not available: {status.reason}")
    return registry.load(name)


def cooccurrence_model():
    """The tag co-occurrence statistics of the built-in writer (registry 'tag-writer')."""
    return registry.load(REGISTRY_NAMES["builtin"])
