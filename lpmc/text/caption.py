"""Tags -> caption: clean the tags, let the registry pick the model, and say who wrote it and why.

Every tag-captioning entry of the registry (the built-in writer, an OpenAI-compatible endpoint, a local
transformers model, a GGUF model in-process) implements `lpmc.tasks.TagCaptioner`; "auto" tries them in
the registry's preference order and falls back when one is unavailable or fails, saying why.

Every caption is checked against its tags (lpmc.text.checks): which tags it expresses, and which of its
claims contradict a tag. In "auto", a model that can write again (an LLM) is asked once more when its
caption contradicts a tag, and the better of the two captions is kept.
"""

import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Protocol, runtime_checkable

from lpmc import registry, settings
from lpmc.errors import BackendError, InputError
from lpmc.tasks import AUTO, TAG_CAPTIONING, OnText
from lpmc.text import prompts
from lpmc.text.checks import check_caption

log = logging.getLogger(__name__)

MAX_TAG_CHARS = 100
# A caption language is a name ("English", "Deutsch", "한국어", "Brazilian Portuguese"), never a sentence:
# letters, spaces, hyphens and parentheses, at most MAX_LANGUAGE_CHARS.
MAX_LANGUAGE_CHARS = 40
LANGUAGE_PUNCTUATION = set(" -()'")


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
    coverage: list[str] = field(default_factory=list)  # the tags the caption expresses
    missing: list[str] = field(default_factory=list)  # the tags it does not
    contradictions: list[str] = field(default_factory=list)  # a sentence for each claim a tag contradicts

    def to_dict(self) -> dict:
        return asdict(self)

    def coverage_summary(self) -> str:
        """'Expresses 3 of 4 tags; missing: rainy night.'"""
        summary = f"Expresses {len(self.coverage)} of {len(self.coverage) + len(self.missing)} tags"
        return summary + (f"; missing: {', '.join(self.missing)}." if self.missing else ".")


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


def clean_language(language: str) -> str:
    """The caption language as a name ("" means English); InputError for anything that is not a name."""
    language = " ".join((language or "").split()) or prompts.DEFAULT_LANGUAGE
    if len(language) > MAX_LANGUAGE_CHARS or not all(
        char.isalpha() or char in LANGUAGE_PUNCTUATION for char in language
    ):
        raise InputError(
            f'Give the caption language as a name of at most {MAX_LANGUAGE_CHARS} letters, e.g. "English" '
            'or "Korean".'
        )
    return language


@runtime_checkable
class Rewriter(Protocol):
    """A tag-captioning model that can write again, told what its caption contradicted (the LLMs)."""

    def rewrite(self, tags: list[str], style: str, language: str, problems: list[str]) -> Caption: ...


def tags_to_caption(
    tags: list[str] | str,
    style: str = "writing",
    backend: str = AUTO,
    on_text: OnText = None,
    language: str = prompts.DEFAULT_LANGUAGE,
) -> Caption:
    """Write a caption for `tags` (a list, or comma-separated text) in `style` (one of STYLES) with
    `backend`: "auto", a registry entry of the tag-captioning task, or one of its aliases; LLMs write in
    `language`. The caption comes checked: coverage, missing and contradictions. InputError for no tags or
    an unknown style/backend/language; ModelUnavailable or BackendError when a backend chosen by name
    cannot write (with "auto" the next one in the registry's order writes instead, and `note` says why)."""
    if style not in prompts.STYLES:
        raise InputError(f"Unknown style '{style}'. Choose one of: {', '.join(prompts.STYLES)}.")
    # An unknown backend is refused before any work; only "auto" may ask a model a second time.
    rewrite = registry.canonical(TAG_CAPTIONING, backend) == AUTO
    language = clean_language(language)
    tags, warnings = clean_tags(tags)

    def write(model) -> Caption:
        caption = checked(tags, model.write(tags, style, on_text, language))
        if rewrite and caption.contradictions and isinstance(model, Rewriter):
            caption = better_of_two(model, tags, style, language, caption)
        return caption

    caption, chosen = registry.run(TAG_CAPTIONING, backend, write)
    if chosen.skipped:
        log.info("tags -> caption by %s; %s", chosen.name, chosen.note)
    caption.backend = chosen.name
    caption.note = chosen.note
    caption.prompt = prompts.prompt_text(prompts.build_prompt(tags, style, language))
    caption.warnings = warnings + caption.warnings
    return caption


def checked(tags: list[str], caption: Caption) -> Caption:
    """The caption with its check against `tags` filled in."""
    check = check_caption(tags, caption.text)
    caption.coverage, caption.missing = check.coverage, check.missing
    caption.contradictions = check.contradictions
    return caption


def fewer_faults(caption: Caption) -> tuple[int, int]:
    """Sorts captions best first: fewer contradictions, then more tags expressed."""
    return len(caption.contradictions), -len(caption.coverage)


def better_of_two(model: Rewriter, tags: list[str], style: str, language: str, first: Caption) -> Caption:
    """Ask `model` once more, naming what `first` contradicted; keep the caption with fewer contradictions
    (then more tags expressed; the first on a tie) and say so in its warnings."""
    try:
        second = checked(tags, model.rewrite(tags, style, language, first.contradictions))
    except BackendError as error:
        first.warnings.append(f"The caption contradicts its tags; asked once more, the model failed: {error}")
        return first
    if fewer_faults(second) < fewer_faults(first):
        second.warnings.append(
            "The first caption contradicted its tags ("
            + " ".join(first.contradictions)
            + ") so the model was asked once more; this second caption was kept."
        )
        return second
    first.warnings.append(
        "The caption contradicts its tags, so the model was asked once more; its second caption was no "
        "better, so the first was kept."
    )
    return first
