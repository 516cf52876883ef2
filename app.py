"""lpmc in the browser: four tabs laid out and wired to library functions (no model logic here).

Run `python app.py`; it serves on http://127.0.0.1:7860 (LPMC_HOST / LPMC_PORT to change).
Every event has an api_name, so the app can be scripted with gradio_client.
"""

import logging
from collections.abc import Sequence
from typing import Any

import gradio as gr

from lpmc import runtime, settings, ui
from lpmc.tasks import AUDIO_CAPTIONING, AUTO, IMAGE_UNDERSTANDING, TAG_CAPTIONING, TAGGING
from lpmc.text import STYLES
from lpmc.text.prompts import DEFAULT_LANGUAGE

# Tags requests answered at once; each costs milliseconds unless it waits on an LLM.
TAGS_CONCURRENCY = 8
# Every hour, delete uploads and results older than a day from Gradio's cache (seconds).
UPLOAD_CLEANUP = (3600, 86400)
# Table cells in the page's font: Gradio's monospace makes captions and reasons wide and tall.
CSS = ".cell-wrap span { font-family: var(--font); }"


def model_dropdown(task: str, label: str) -> gr.Dropdown:
    """A task's model choice, listed from the registry; any name or alias typed through the API is checked
    by the registry, which answers with the choices."""
    return gr.Dropdown(ui.model_choices(task), value=AUTO, label=label, allow_custom_value=True)


def results_table(label: str, headers: Sequence[str], widths: Sequence[str], **options: Any) -> gr.Dataframe:
    """A read-only table of results with wrapped text, its columns `widths` wide (CSS, e.g. "20%")."""
    return gr.Dataframe(
        headers=list(headers),
        column_widths=list(widths),
        label=label,
        wrap=True,
        interactive=False,
        **options,
    )


def library_and_count(libraries: list[str]) -> tuple[gr.Dropdown, gr.Slider]:
    """Which of the server's libraries to look in (by name), and how many tracks to show."""
    return (
        gr.Dropdown(libraries, value=libraries[0], label="Library"),
        gr.Slider(1, 50, value=10, step=1, label="Tracks"),
    )


def tags_tab() -> None:
    with gr.Row():
        with gr.Column(min_width=300):
            tags = gr.Textbox(
                label="Tags (comma-separated)",
                info="Enter writes the caption; Shift+Enter starts a new line.",
                placeholder="lo-fi, mellow piano, rainy night, slow tempo",
                lines=1,
                max_lines=6,
            )
            style = gr.Radio(list(STYLES), value="writing", label="Prompt style")
            backend = model_dropdown(TAG_CAPTIONING, "Backend")
            language = gr.Textbox(
                label="Caption language (for LLMs)", value=DEFAULT_LANGUAGE, max_lines=1, max_length=40
            )
            show_prompt = gr.Checkbox(label="Show the prompt", value=False)
            write = gr.Button("Write caption", variant="primary")
        with gr.Column(min_width=300):
            caption = gr.Textbox(label="Caption", lines=6, interactive=False, buttons=["copy"])
            provenance = gr.Markdown()
            prompt = gr.Code(label="Prompt", language=None, visible=False, wrap_lines=True, buttons=["copy"])
    gr.Examples(ui.TAG_EXAMPLES, inputs=[tags])
    results = [caption, provenance, prompt]
    gr.on(
        [write.click, tags.submit], ui.clear_tags, None, results, queue=False, api_visibility="private"
    ).then(
        ui.caption_tags,
        [tags, style, backend, show_prompt, language],
        results,
        api_name="tags_to_caption",
        # More than the queue's default: an LLM that hangs holds at most LPMC_LLM_CONCURRENCY of these, and
        # the other requests still get an answer (the next backend, or "busy") within LPMC_LLM_TIMEOUT.
        concurrency_limit=TAGS_CONCURRENCY,
    )


def audio_tab() -> None:
    with gr.Row():
        with gr.Column(scale=2, min_width=300):
            audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Song")
            model = model_dropdown(AUDIO_CAPTIONING, "Captioning model")
            taggram_tagger = model_dropdown(TAGGING, "Tags over time from")
            with gr.Row():
                run = gr.Button("Caption every 10 s", variant="primary", scale=2)
                stop = gr.Button("Stop", variant="stop", scale=1)
            summary = gr.Markdown(ui.AUDIO_EMPTY)
            with gr.Row():
                downloads = [
                    gr.DownloadButton(f"⬇ {label}", visible=False, size="sm", min_width=70)
                    for label in ui.EXPORT_LABELS.values()
                ]
        with gr.Column(scale=3, min_width=300):
            chunks = results_table(
                "Captions (click a row to hear it)", ["time", "caption", "tags heard"], ["20%", "50%", "30%"]
            )
            chunk_player = gr.Audio(
                label="The clicked chunk", type="numpy", interactive=False, autoplay=True, visible=False
            )
            # The picture has its own title; a label would cover it on a phone.
            taggram = gr.Image(
                label="Tags over time",
                alt_text="Tags over time",
                show_label=False,
                type="pil",
                interactive=False,
                buttons=["fullscreen"],
            )
    if ui.AUDIO_EXAMPLES:
        gr.Examples(ui.AUDIO_EXAMPLES, inputs=[audio])
        gr.Markdown(ui.AUDIO_EXAMPLE_CREDIT)
    song = gr.State()  # the captions and the upload, kept on the server for the downloads and the player
    results = [chunks, taggram, summary, song]
    cleared = run.click(
        ui.clear_audio, None, [*results, chunk_player, *downloads], queue=False, api_visibility="private"
    )
    captioning = cleared.then(
        ui.caption_audio,
        [audio, model, taggram_tagger],
        results,
        api_name="caption_audio",
        # One progress bar, in the taggram's place (drawn at the end): over the table it hid the rows.
        show_progress_on=taggram,
    )
    captioning.success(ui.caption_downloads, song, downloads, api_name="caption_downloads")
    # Stopping keeps the rows written so far, and offers them for download.
    # In two steps: with the downloads in the cancelling event itself, the page never showed them.
    stopped = stop.click(None, cancels=[captioning], queue=False, api_visibility="private")
    stopped.then(ui.caption_downloads, song, downloads, api_visibility="private")
    chunks.select(ui.play_chunk, song, chunk_player, api_visibility="private")


def image_tab() -> None:
    with gr.Row():
        with gr.Column(scale=2, min_width=300):
            # A file box, not gr.Image: gr.Image decodes the upload before lpmc can check its size and format.
            image = gr.File(label="Photo", file_types=["image"], type="filepath")
            preview = gr.Image(
                label="The photo", alt_text="The photo", type="pil", interactive=False, height=260
            )
            examples = gr.Gallery(
                ui.IMAGE_EXAMPLES,
                label="Examples (click one)",
                columns=4,
                height=110,
                allow_preview=False,
                buttons=[],
            )
            text = gr.Textbox(label="Optional words about it", placeholder="road trip with friends")
            catalog = gr.Radio(ui.catalog_choices(), value="jamendo", label="Catalog")
            libraries = ui.library_choices()
            library = gr.Dropdown(libraries, value=libraries[0], label="My library (for 'My library')")
            top = gr.Slider(1, 50, value=10, step=1, label="Songs")
            reader = model_dropdown(IMAGE_UNDERSTANDING, "Photo model")
            run = gr.Button("Find songs", variant="primary")
        with gr.Column(scale=3, min_width=300):
            songs = results_table(
                "Songs", ["song", "why", "score"], ["46%", "37%", "17%"], datatype=["markdown", "str", "str"]
            )
            player = gr.Audio(label="Player", type="numpy", interactive=False, autoplay=True, visible=False)
            analysis = gr.Markdown(ui.IMAGE_EMPTY)
    found = gr.State([])  # the songs' library paths, kept on the server for the player
    results = [songs, analysis, found, player]
    examples.select(ui.pick_example, None, image, api_visibility="private")
    image.change(ui.clear_songs, None, results, queue=False, api_visibility="private").then(
        ui.preview_photo, image, preview, api_name="preview_photo"
    )
    run.click(ui.clear_songs, None, results, queue=False, api_visibility="private").then(
        ui.recommend_songs, [image, text, catalog, library, top, reader], results, api_name="recommend"
    )
    songs.select(ui.play_library_song, [found, library], player, api_visibility="private")


def models_tab() -> None:
    widths = ["14%", "24%", "24%", "22%", "16%"]
    table = results_table("Models", ui.MODEL_COLUMNS, widths, value=ui.models_table, max_height=2000)
    gr.Markdown("#### Details: where each model comes from, and why it cannot run here")
    details = gr.Markdown(ui.models_details)
    refresh = gr.Button("Refresh")
    refresh.click(ui.models_overview, None, [table, details], api_name="models")


def build_app() -> gr.Blocks:
    with gr.Blocks(title="lpmc — music captioning studio", delete_cache=UPLOAD_CLEANUP) as app:
        gr.Markdown(
            "# lpmc — music captioning studio\nTags → caption, audio → caption every 10 s, photo → songs."
        )
        with gr.Tab("Tags → Caption"):
            tags_tab()
        with gr.Tab("Audio → Caption"):
            audio_tab()
        with gr.Tab("Image → Music"):
            image_tab()
        with gr.Tab("Library"):
            library_tab()
        with gr.Tab("Models"):
            models_tab()
    return app


def main() -> None:
    runtime.setup()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    warning = settings.host_warning()
    if warning:
        logging.getLogger("lpmc").warning(warning)
    build_app().queue(default_concurrency_limit=2).launch(
        server_name=settings.host(),
        server_port=settings.port(),
        max_file_size=f"{int(settings.max_upload_mb())}mb",
        # Users see lpmc's own sentences (gr.Error); anything else is a bug, logged, never shown raw.
        show_error=False,
        css=CSS,
    )


def library_tab() -> None:
    """A playlist described from uploaded songs; tracks of a library that sound like a song; search by words.
    Libraries are offered by name (LPMC_LIBRARY_DB), never by path."""
    libraries = ui.library_choices()
    with gr.Row():
        with gr.Column():
            gr.Markdown("### Describe a playlist")
            songs = gr.File(label="Songs", file_count="multiple", file_types=["audio"], type="filepath")
            backend = model_dropdown(TAG_CAPTIONING, "Writer")
            describe = gr.Button("Describe the playlist", variant="primary")
        with gr.Column():
            blurb = gr.Markdown()
            shared = results_table("What the songs share", ui.PLAYLIST_ROWS, ["25%", "75%"])
    describe.click(
        ui.describe_uploaded_playlist, [songs, backend], [blurb, shared], api_name="describe_playlist"
    )
    with gr.Row():
        with gr.Column():
            gr.Markdown("### Sounds like this")
            song = gr.File(label="Song", file_types=["audio"], type="filepath")
            library, top = library_and_count(libraries)
            find = gr.Button("Find tracks that sound like it", variant="primary")
        with gr.Column():
            similar = results_table("Sounds like", ui.TRACK_COLUMNS, ["8%", "32%", "42%", "18%"])
    find.click(ui.similar_to_upload, [song, library, top], similar, api_name="similar_tracks")
    with gr.Row():
        with gr.Column():
            gr.Markdown("### Search by words")
            words = gr.Textbox(label="Words", placeholder="rainy night jazz piano")
            search_library, search_top = library_and_count(libraries)
            search = gr.Button("Search", variant="primary")
        with gr.Column():
            hits = results_table("Found", ui.HIT_COLUMNS, ["8%", "24%", "20%", "34%", "14%"])
    search.click(ui.search_words, [words, search_library, search_top], hits, api_name="search_library")
    words.submit(ui.search_words, [words, search_library, search_top], hits)


if __name__ == "__main__":
    main()
