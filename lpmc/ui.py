"""Adapters between the library and the Gradio page: library results in, display values out.

Each function here is an event handler of app.py. User-facing errors (`LpmcError`) become `gr.Error`
so the page shows the message and nothing else; text from users or models is escaped before it is
put into Markdown, so a tag or caption can never inject HTML into the page.
"""

import contextlib
import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from lpmc import registry, settings
from lpmc.errors import LpmcError
from lpmc.tasks import AUTO, TAGGING, TASKS

log = logging.getLogger("lpmc.ui")

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


@contextlib.contextmanager
def user_errors(*uploads: str | None) -> Iterator[None]:
    """Turn lpmc's errors into the page's error message (the sentence only: no traceback, no path) and log
    one line for each; an upload lpmc refused is deleted from Gradio's upload folder at once."""
    try:
        yield
    except LpmcError as error:
        log.warning("refused: %s", error)
        for upload in uploads:
            _discard_upload(upload)
        raise gr.Error(str(error)) from None


def _discard_upload(path: str | None) -> None:
    """Delete `path` if it is a file Gradio received (never anything outside its upload folder)."""
    from gradio.utils import get_upload_folder

    if not path:
        return
    upload = Path(path).resolve()
    if upload.is_relative_to(Path(get_upload_folder()).resolve()) and upload.is_file():
        upload.unlink()


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
        ("All (Jamendo, PMEmo, my library)", "all"),
    ]


def library_choices() -> list[str]:
    """The server's music libraries by name (LPMC_LIBRARY_DB); the page never takes a path."""
    from lpmc.recommend.library import library_names

    return library_names()


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

    with user_errors():
        result = tags_to_caption(parse_tags(tags_text or ""), style=style, backend=backend, language=language)
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
    with user_errors(path):
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


def recommend_songs(
    image: str | None, text: str, catalog: str, library: str | None, top: float, reader: str = AUTO
):
    """Image tab: returns (song rows, analysis markdown, the player's song picker, the photo to show).
    `reader`: the image-understanding model ("auto": every available one)."""
    from lpmc.recommend.recommend import recommend

    if not image and not (text or "").strip():
        raise gr.Error("Upload a photo, write a few words about the moment, or both.")
    with user_errors(image):
        photo = image or None
        result = recommend(
            photo, text=text or "", catalog=catalog, top=int(top), library=library or None, reader=reader
        )
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


def play_library_song(track: str | None, library: str | None):
    """Image tab: (sample rate, samples) of a song from the user's library index, for the player."""
    from lpmc.audio import load_audio
    from lpmc.recommend.library import is_indexed

    if not track:
        return None
    if not is_indexed(library or None, track):
        raise gr.Error("Only songs of your library index can be played.")
    with user_errors():
        return PLAYBACK_SAMPLE_RATE, load_audio(track, PLAYBACK_SAMPLE_RATE)


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
    if analysis.user_words:
        lines.append(f"**Your words:** {_weighted(analysis.user_words)}")
    if analysis.colour is not None:
        shares = ", ".join(f"{_safe(name)} {share:.0%}" for name, share in analysis.colour.regions.items())
        lines.append(f"**Colour regions** (share of the frame): {shares}")
    reasons = "; ".join(f"{_safe(word)}: {_safe(why)}" for word, why in analysis.mood_reasons.items())
    lines.append(f"**Why these moods:** {reasons or '—'}")
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


# Library tab: a playlist described, "sounds like this" and search by words over a library chosen by name.
# Results name tracks by title and artist only: the page never shows where a file lives on the server.

PLAYLIST_ROWS = ("what", "shared by the songs")
TRACK_COLUMNS = ("#", "track", "why", "similarity")
HIT_COLUMNS = ("#", "track", "matches", "summary", "score")


def describe_uploaded_playlist(paths: list[str] | None, backend: str = AUTO) -> tuple[str, list[list[str]]]:
    """Library tab: (title, blurb and provenance markdown; rows of what the songs share) for uploaded
    songs. Playlist files are refused: their entries would name files on the server."""
    from lpmc.audio import AUDIO_EXTENSIONS
    from lpmc.playlist.describe import describe_playlist

    if not paths:
        raise gr.Error("Upload the songs of the playlist first (two or more).")
    not_audio = [Path(path).name for path in paths if Path(path).suffix.lower() not in AUDIO_EXTENSIONS]
    if not_audio:
        for path in paths:
            _discard_upload(path)
        raise gr.Error(
            f"Upload the songs themselves (not a playlist file or other files): {', '.join(not_audio)}."
        )
    with user_errors(*paths):
        result = describe_playlist([Path(path) for path in paths], backend)
    lines = [
        f"### {_safe(result.title)}",
        _safe(result.blurb.text),
        f"_Written by {_safe(result.blurb.backend)}._",
    ]
    if result.blurb.note:
        lines.append(f"_{_safe(result.blurb.note)}_")
    lines += [f"⚠️ {_safe(name)} was skipped: {_safe(why)}" for name, why in result.skipped]
    return "\n\n".join(lines), _playlist_rows(result.profile)


def _playlist_rows(profile) -> list[list[str]]:
    def shares(shared: list[tuple[str, float]]) -> str:
        return ", ".join(f"{tag} {share:.0%}" for tag, share in shared) or "—"

    tempo = "—"
    if profile.tempo:
        low, middle, high = profile.tempo
        tempo = (
            f"{low:.0f}–{high:.0f} BPM, median {middle:.0f} ({profile.tempo_songs} of {profile.songs} songs)"
        )
    return [
        ["songs", str(profile.songs)],
        ["moods", shares(profile.moods)],
        ["styles", shares(profile.genres)],
        ["instruments", shares(profile.instruments)],
        ["tempo", tempo],
        [
            "vocals",
            f"in {profile.vocal_share:.0%} of the songs"
            + (f" ({shares(profile.voices)})" if profile.voices else ""),
        ],
        ["variety", f"{profile.variety_word} ({profile.variety:.2f}; 0 = same tags, 1 = none shared)"],
    ]


def similar_to_upload(path: str | None, library: str | None, top: float = 10) -> list[list]:
    """Library tab: rows of TRACK_COLUMNS, the library's tracks that sound most like the uploaded song."""
    from lpmc.recommend.similar import similar_tracks

    if not path:
        raise gr.Error("Upload a song first.")
    with user_errors(path):
        result = similar_tracks(Path(path), library or None, int(top))
    return [
        [rank, _track_label(track), "shares " + (", ".join(track.shared_tags) or "no tag"), track.similarity]
        for rank, track in enumerate(result.tracks, 1)
    ]


def search_words(words: str, library: str | None, top: float = 10) -> list[list]:
    """Library tab: rows of HIT_COLUMNS, the library's tracks best described by the words."""
    from lpmc.recommend.search import search_library

    with user_errors():
        result = search_library(words or "", library or None, int(top))
    return [
        [rank, _track_label(hit), ", ".join(hit.matched_tags), hit.caption, hit.score]
        for rank, hit in enumerate(result.hits, 1)
    ]


def _track_label(track) -> str:
    """'Title — Artist' (plain text cells: the table escapes them), never the file's path."""
    return f"{track.title} — {track.artist}" if track.artist else track.title
