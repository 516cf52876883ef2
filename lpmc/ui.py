"""Adapters between the library and the Gradio page: library results in, display values out.

Each function here is an event handler of app.py. User-facing errors (`LpmcError`) become `gr.Error`
so the page shows the message and nothing else; text from users or models is escaped before it is
put into Markdown, so a tag or caption can never inject HTML into the page.
"""

import html
import re
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from lpmc import registry, settings
from lpmc.errors import LpmcError
from lpmc.tasks import AUTO, TAGGING, TASKS

TAG_EXAMPLES = [
    ["lo-fi, mellow piano, rainy night, slow tempo"],
    ["rock, electric guitar, male vocals, energetic, live recording"],
    ["ambient, synth pad, dreamy, spacious reverb"],
    ["k-pop, 여성 보컬, upbeat, dance"],
]
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
SAFE_URL = re.compile(r"https://[A-Za-z0-9./_\-]+")
EXAMPLES_DIR = settings.ASSETS_DIR / "examples"
PHOTOS_DIR = settings.ASSETS_DIR / "photos"
AUDIO_EXAMPLES = [[str(path)] for path in sorted(EXAMPLES_DIR.glob("*")) if path.suffix in (".ogg", ".mp3")]
AUDIO_EXAMPLE_CREDIT = (
    "Example: an excerpt of “Caribbean” by Will Savino (music of HyperRogue), CC BY-SA 3.0 — "
    "see assets/examples/NOTICE."
)
IMAGE_EXAMPLES = [[str(path)] for path in sorted(PHOTOS_DIR.glob("*.jpg"))]


def _safe(text: str) -> str:
    """Untrusted text made inert for Markdown/HTML display."""
    return html.escape(str(text)).replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")


def model_choices(task: str) -> list[tuple[str, str]]:
    """(label, value) for a task's model dropdown: "auto" and every registry entry of the task, each
    unavailable one labelled so. Values a user can send are validated by the registry, aliases included."""
    choices = [("auto (best available)", AUTO)]
    for name in registry.names(task):
        label = name if registry.availability(name) else f"{name} (unavailable here)"
        choices.append((label, name))
    return choices


def catalog_choices() -> list[tuple[str, str]]:
    return [
        ("Jamendo (11,565 CC tracks)", "jamendo"),
        ("PMEmo (popular songs)", "pmemo"),
        ("My library", "library"),
    ]


def default_library_db() -> str:
    return str(settings.cache_dir() / "library.sqlite")


MODEL_COLUMNS = ("task", "model", "status", "why / where", "source", "license")


def models_table() -> list[list[str]]:
    """The registry as rows of MODEL_COLUMNS, grouped by task, the built-in model of each task first."""
    rows = sorted(registry.table(), key=lambda row: (TASKS.index(row["task"]), not row["default"]))
    return [
        [
            row["task"],
            row["name"] + (f" (or {', '.join(row['aliases'])})" if row["aliases"] else ""),
            ("✅ available" if row["available"] else "❌ unavailable")
            + (" · built in" if row["default"] else ""),
            row["reason"],
            row["source"],
            row["license"],
        ]
        for row in rows
    ]


def caption_tags(tags_text: str, style: str, backend: str, show_prompt: bool, language: str = "English"):
    """Tags tab: returns (caption, provenance markdown, prompt component update). `language`: the language
    LLM backends write in."""
    from lpmc.text import parse_tags, tags_to_caption

    try:
        result = tags_to_caption(parse_tags(tags_text or ""), style=style, backend=backend, language=language)
    except LpmcError as error:
        raise gr.Error(str(error)) from None
    lines = [f"**Written by:** {_safe(result.backend)} ({_safe(result.model)})"]
    if result.note:
        lines.append(f"_{_safe(result.note)}_")
    for warning in result.warnings:
        lines.append(f"⚠️ {_safe(warning)}")
    lines.append(f"**Tags:** {_safe(result.coverage_summary())}")
    lines += [f"⚠️ {_safe(contradiction)}" for contradiction in result.contradictions]
    if result.new_attributes:
        lines.append("**New attributes:** " + ", ".join(_safe(a) for a in result.new_attributes))
    if result.raw:
        lines.append(
            "**Raw reply (could not be parsed):**\n\n```\n" + result.raw.replace("```", "'''") + "\n```"
        )
    return result.text, "\n\n".join(lines), gr.update(value=result.prompt, visible=bool(show_prompt))


def caption_audio(path: str | None, model: str, taggram_tagger: str = AUTO) -> Iterator[tuple]:
    """Audio tab: streams (chunk rows, taggram image, summary markdown) as chunks are captioned.
    `model`: the audio-captioning model; `taggram_tagger`: the tagging model drawn over time."""
    from lpmc.audio import format_timestamp
    from lpmc.captioning.pipeline import iter_caption_file
    from lpmc.tagging.taggram import taggram_image

    if not path:
        raise gr.Error("Upload or record a song first.")
    progress = gr.Progress()
    taggram = None
    try:
        tagger = registry.candidates(TAGGING, taggram_tagger)
        for song in iter_caption_file(Path(path), model=model, extra_taggers=tagger[:1]):
            progress(song.progress, desc="Captioning")
            rows = [[chunk.timestamp, chunk.text, ", ".join(chunk.tags)] for chunk in song.chunks]
            drawn = song.taggram_tagger
            if taggram is None and drawn:
                taggram = taggram_image(song.tag_results[drawn])
            summary = [f"**Model:** {_safe(song.model)} · **Duration:** {format_timestamp(song.duration)}"]
            if drawn:
                summary.append(f"**Taggram:** {_safe(drawn)}")
            if song.note:
                summary.append(f"_{_safe(song.note)}_")
            if song.summary:
                summary.append(f"**Song:** {_safe(song.summary)}")
            yield rows, taggram, "\n\n".join(summary)
    except LpmcError as error:
        raise gr.Error(str(error)) from None


def recommend_songs(
    image: str | None, text: str, catalog: str, library_db: str, top: float, reader: str = AUTO
):
    """Image tab: returns (song rows, analysis markdown, the player's song picker, the photo to show).
    `reader`: the image-understanding model ("auto": every available one)."""
    from lpmc.recommend.recommend import recommend

    if not image:
        raise gr.Error("Upload a photo first.")
    try:
        result = recommend(
            image, text=text or "", catalog=catalog, top=int(top), db=library_db or None, reader=reader
        )
    except LpmcError as error:
        raise gr.Error(str(error)) from None
    rows = []
    for rank, song in enumerate(result.songs, 1):
        moods = [f"{mood} (derived)" for mood in song.derived_moods]
        rows.append(
            [
                rank,
                _song_cell(song),
                ", ".join([*song.tags, *moods]),
                "; ".join(song.why),
                round(song.score, 3),
            ]
        )
    playable = [
        (f"{rank}. {song.title} — {song.artist}", song.path) for rank, song in enumerate(result.songs, 1)
    ]
    picker = gr.update(
        choices=[item for item in playable if item[1]], value=None, visible=catalog == "library"
    )
    # The photo is shown only once lpmc has read it, so a bomb or a broken file never reaches the page.
    credit = f"_{_safe(result.credit)} Words and songs compared by {_safe(result.embedder)}._"
    return rows, _analysis_markdown(result.analysis) + "\n\n" + credit, picker, image


PLAYBACK_SAMPLE_RATE = 22050


def play_library_song(track: str | None, library_db: str):
    """Image tab: (sample rate, samples) of a song from the user's library index, for the player."""
    from lpmc.audio import load_audio
    from lpmc.recommend.library import is_indexed

    if not track:
        return None
    if not is_indexed(Path(library_db), track):
        raise gr.Error("Only songs of your library index can be played.")
    try:
        return PLAYBACK_SAMPLE_RATE, load_audio(track, PLAYBACK_SAMPLE_RATE)
    except LpmcError as error:
        raise gr.Error(str(error)) from None


def _song_cell(song) -> str:
    """Markdown for one song: escaped title and artist, and a link only when it is a plain https URL."""
    cell = f"**{_safe(song.title)}** — {_safe(song.artist)}"
    if song.url and SAFE_URL.fullmatch(song.url):
        cell += f"<br>[listen]({song.url})"
    elif song.path:
        cell += f"<br>{_safe(song.path)}"
    return cell


def _weighted(words) -> str:
    pairs = words.items() if isinstance(words, dict) else words
    return ", ".join(f"{_safe(word)} ({weight:.2f})" for word, weight in pairs) or "—"


def _analysis_markdown(analysis) -> str:
    lines = ["### What the photo says"]
    if analysis.caption:
        lines.append(f"**Caption:** {_safe(analysis.caption)}")
    lines.append(f"**Labels:** {_weighted(analysis.labels)}")
    lines.append(f"**Scene:** {_weighted(analysis.scene_words)}")
    lines.append(f"**Mood:** {_weighted(analysis.mood_words)}")
    if analysis.context_words:
        lines.append(f"**Context:** {_weighted(analysis.context_words)}")
    lines.append(
        f"**Valence** {analysis.valence:.2f} · **Arousal** {analysis.arousal:.2f} (0 = low, 1 = high)"
    )
    swatches = " ".join(
        f'<span style="display:inline-block;width:28px;height:28px;background:{color};'
        f'border:1px solid #888" title="{color}"></span>'
        for color in analysis.swatches
        if HEX_COLOUR.fullmatch(color)
    )
    lines.append(swatches)
    lines.append(f"_{_safe(analysis.note)}_")
    return "\n\n".join(lines)
