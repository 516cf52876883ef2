"""Tags -> caption: clean the tags, let the registry pick the model, and say who wrote it and why.

Every tag-captioning entry of the registry (the built-in writer, an OpenAI-compatible endpoint, a local
transformers model, a GGUF model in-process) implements `lpmc.tasks.TagCaptioner`; "auto" tries them in
the registry's preference order and falls back when one is unavailable or fails, saying why.
"""

import logging
import re
from dataclasses import asdict, dataclass, field

from lpmc import registry, settings
from lpmc.errors import InputError
from lpmc.tasks import AUTO, TAG_CAPTIONING, OnText
from lpmc.text import prompts

log = logging.getLogger(__name__)

MAX_TAG_CHARS = 100


@dataclass
class Caption:
    """A written caption and where it came from."""

    text: str
    backend: str = ""  # the registry entry that wrote it, e.g. "tag-writer" or "llm-endpoint"
    note: str = ""  # why the entries preferred to it did not write it, or ""
    prompt: str = ""  # the exact prompt sent (or that would be sent to an LLM)
    model: str = ""  # the model behind the entry, e.g. "gpt-4o-mini at 127.0.0.1"
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
    if len(cleaned) > settings.max_tags():
        warnings.append(
            f"{settings.max_tags()} tags is the limit; {len(cleaned) - settings.max_tags()} were ignored."
        )
        cleaned = cleaned[: settings.max_tags()]
    return cleaned, warnings


def tags_to_caption(
    tags: list[str] | str, style: str = "writing", backend: str = AUTO, on_text: OnText = None
) -> Caption:
    """Write a caption for `tags` (a list, or comma-separated text) in `style` (one of STYLES) with
    `backend`: "auto", a registry entry of the tag-captioning task, or one of its aliases. InputError for
    no tags or an unknown style/backend; ModelUnavailable or BackendError when a backend chosen by name
    cannot write (with "auto" the next one in the registry's order writes instead, and `note` says why)."""
    if style not in prompts.STYLES:
        raise InputError(f"Unknown style '{style}'. Choose one of: {', '.join(prompts.STYLES)}.")
    registry.canonical(TAG_CAPTIONING, backend)  # an unknown backend is refused before any work
    tags, warnings = clean_tags(tags)
    caption, chosen = registry.run(TAG_CAPTIONING, backend, lambda model: model.write(tags, style, on_text))
    if chosen.skipped:
        log.info("tags -> caption by %s; %s", chosen.name, chosen.note)
    caption.backend = chosen.name
    caption.note = chosen.note
    caption.prompt = prompts.prompt_text(prompts.build_prompt(tags, style))
    caption.warnings = warnings + caption.warnings
    return caption
