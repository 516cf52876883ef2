"""Adapters between the library and the Gradio page: library results in, display values out.

Each function here is an event handler of app.py. User-facing errors (`LpmcError`) become `gr.Error`
so the page shows the message and nothing else; text from users or models is escaped before it is
put into Markdown, so a tag or caption can never inject HTML into the page.
"""

import html
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from lpmc import registry, settings
from lpmc.errors import LpmcError

TAG_EXAMPLES = [
    ["lo-fi, mellow piano, rainy night, slow tempo"],
    ["rock, electric guitar, male vocals, energetic, live recording"],
    ["ambient, synth pad, dreamy, spacious reverb"],
    ["k-pop, 여성 보컬, upbeat, dance"],
]
EXAMPLES_DIR = settings.ASSETS_DIR / "examples"
PHOTOS_DIR = settings.ASSETS_DIR / "photos"
AUDIO_EXAMPLES = [[str(path)] for path in sorted(EXAMPLES_DIR.glob("*")) if path.suffix in (".ogg", ".mp3")]
IMAGE_EXAMPLES = [[str(path)] for path in sorted(PHOTOS_DIR.glob("*.jpg"))]


def _safe(text: str) -> str:
    """Untrusted text made inert for Markdown/HTML display."""
    return html.escape(str(text)).replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")


def _choices(task: str, first: str) -> list[tuple[str, str]]:
    choices = [(f"{first} (best available)", first)]
    for name in registry.names(task):
        status = registry.availability(name)
        label = name if status else f"{name} — unavailable"
        choices.append((label, name))
    return choices


def backend_choices() -> list[tuple[str, str]]:
    return _choices("tag-captioning", "auto")


def captioner_choices() -> list[tuple[str, str]]:
    return _choices("audio-captioning", "auto")


def catalog_choices() -> list[tuple[str, str]]:
    return [
        ("Jamendo (11,565 CC tracks)", "jamendo"),
        ("PMEmo (popular songs)", "pmemo"),
        ("My library", "library"),
    ]


def default_library_db() -> str:
    return str(settings.cache_dir() / "library.sqlite")


def models_table() -> list[list[str]]:
    """The registry as rows: name, task, available, reason, source, license."""
    return [
        [
            row["name"],
            row["task"],
            "yes" if row["available"] else "no",
            row["reason"],
            row["source"],
            row["license"],
        ]
        for row in registry.table()
    ]


def caption_tags(tags_text: str, style: str, backend: str, show_prompt: bool):
    """Tags tab: returns (caption, provenance markdown, prompt component update)."""
    from lpmc.text import parse_tags, tags_to_caption

    try:
        result = tags_to_caption(parse_tags(tags_text or ""), style=style, backend=backend)
    except LpmcError as error:
        raise gr.Error(str(error)) from None
    lines = [f"**Written by:** {_safe(result.backend)}"]
    if result.note:
        lines.append(f"_{_safe(result.note)}_")
    for warning in result.warnings:
        lines.append(f"⚠️ {_safe(warning)}")
    if result.new_attributes:
        lines.append("**New attributes:** " + ", ".join(_safe(a) for a in result.new_attributes))
    if result.raw:
        lines.append(
            "**Raw reply (could not be parsed):**\n\n```\n" + result.raw.replace("```", "'''") + "\n```"
        )
    return result.text, "\n\n".join(lines), gr.update(value=result.prompt, visible=bool(show_prompt))


def caption_audio(path: str | None, model: str) -> Iterator[tuple]:
    """Audio tab: streams (chunk rows, taggram image, summary markdown) as batches finish."""
    from lpmc.audio import format_timestamp
    from lpmc.captioning.pipeline import iter_caption_file
    from lpmc.tagging.taggram import taggram_image

    if not path:
        raise gr.Error("Upload or record a song first.")
    progress = gr.Progress()
    try:
        for song in iter_caption_file(Path(path), model=model):
            progress(song.progress, desc="Captioning")
            rows = [
                [f"{format_timestamp(c.start)}–{format_timestamp(c.end)}", c.text, ", ".join(c.tags)]
                for c in song.chunks
            ]
            taggram = None
            if song.tag_results:
                taggram = taggram_image(next(iter(song.tag_results.values())))
            summary = [f"**Model:** {_safe(song.model)} · **Duration:** {format_timestamp(song.duration)}"]
            if song.note:
                summary.append(f"_{_safe(song.note)}_")
            if song.summary:
                summary.append(f"**Song:** {_safe(song.summary)}")
            yield rows, taggram, "\n\n".join(summary)
    except LpmcError as error:
        raise gr.Error(str(error)) from None


def recommend_songs(image: str | None, text: str, catalog: str, library_db: str, top: float):
    """Image tab: returns (song rows, analysis markdown, first playable path or None)."""
    from lpmc.recommend import recommend

    if not image:
        raise gr.Error("Upload a photo first.")
    try:
        result = recommend(image, text=text or "", catalog=catalog, top=int(top), db=library_db or None)
    except LpmcError as error:
        raise gr.Error(str(error)) from None
    rows = []
    for rank, song in enumerate(result.songs, 1):
        title = f"{song.title} — {song.artist}"
        link = song.url or song.path or ""
        rows.append(
            [
                rank,
                f"{_safe(title)}\n{_safe(link)}",
                ", ".join(song.tags),
                _safe(song.why),
                round(song.score, 3),
            ]
        )
    playable = next((song.path for song in result.songs if getattr(song, "path", None)), None)
    return rows, _analysis_markdown(result.analysis), playable


def _analysis_markdown(analysis) -> str:
    lines = ["### What the photo says"]
    if getattr(analysis, "caption", None):
        lines.append(f"**Caption:** {_safe(analysis.caption)}")
    lines.append("**Labels:** " + ", ".join(f"{_safe(w)} ({s:.2f})" for w, s in analysis.labels))
    lines.append("**Scene:** " + ", ".join(f"{_safe(w)} ({s:.2f})" for w, s in analysis.scene_words))
    lines.append("**Mood:** " + ", ".join(f"{_safe(w)} ({s:.2f})" for w, s in analysis.mood_words))
    lines.append(f"**Valence** {analysis.valence:+.2f} · **Arousal** {analysis.arousal:+.2f}")
    swatches = " ".join(
        f'<span style="display:inline-block;width:28px;height:28px;background:{_safe(color)};'
        f'border:1px solid #888" title="{_safe(color)}"></span>'
        for color in analysis.swatches
    )
    lines.append(swatches)
    if analysis.note:
        lines.append(f"_{_safe(analysis.note)}_")
    return "\n\n".join(lines)
