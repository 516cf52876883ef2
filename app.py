"""lpmc in the browser: four tabs laid out and wired to library functions (no model logic here).

Run `python app.py`; it serves on http://127.0.0.1:7860 (LPMC_HOST / LPMC_PORT to change).
Every event has an api_name, so the app can be scripted with gradio_client.
"""

import logging

import gradio as gr

from lpmc import runtime, settings, ui
from lpmc.tasks import AUDIO_CAPTIONING, AUTO, IMAGE_UNDERSTANDING, TAG_CAPTIONING, TAGGING
from lpmc.text import STYLES

# Every hour, delete uploads and results older than a day from Gradio's cache (seconds).
UPLOAD_CLEANUP = (3600, 86400)


def model_dropdown(task: str, label: str) -> gr.Dropdown:
    """A task's model choice, listed from the registry; any name or alias typed through the API is checked
    by the registry, which answers with the choices."""
    return gr.Dropdown(ui.model_choices(task), value=AUTO, label=label, allow_custom_value=True)


def tags_tab() -> None:
    with gr.Row():
        with gr.Column():
            tags = gr.Textbox(
                label="Tags (comma-separated)",
                placeholder="lo-fi, mellow piano, rainy night, slow tempo",
                lines=2,
            )
            style = gr.Radio(list(STYLES), value="writing", label="Prompt style")
            backend = model_dropdown(TAG_CAPTIONING, "Backend")
            show_prompt = gr.Checkbox(label="Show the prompt", value=False)
            write = gr.Button("Write caption", variant="primary")
        with gr.Column():
            caption = gr.Textbox(label="Caption", lines=6, interactive=False)
            provenance = gr.Markdown()
            prompt = gr.Code(label="Prompt", language=None, visible=False, wrap_lines=True)
    gr.Examples(ui.TAG_EXAMPLES, inputs=[tags])
    write.click(
        ui.caption_tags,
        [tags, style, backend, show_prompt],
        [caption, provenance, prompt],
        api_name="tags_to_caption",
    )
    tags.submit(ui.caption_tags, [tags, style, backend, show_prompt], [caption, provenance, prompt])


def audio_tab() -> None:
    with gr.Row():
        with gr.Column(scale=2):
            audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Song")
            model = model_dropdown(AUDIO_CAPTIONING, "Captioning model")
            taggram_tagger = model_dropdown(TAGGING, "Tags over time from")
            run = gr.Button("Caption every 10 s", variant="primary")
            summary = gr.Markdown()
        with gr.Column(scale=3):
            chunks = gr.Dataframe(
                headers=["time", "caption", "tags heard"],
                column_widths=["12%", "58%", "30%"],
                label="Captions",
                wrap=True,
                interactive=False,
            )
            taggram = gr.Image(label="Tags over time", type="pil", interactive=False)
    if ui.AUDIO_EXAMPLES:
        gr.Examples(ui.AUDIO_EXAMPLES, inputs=[audio])
        gr.Markdown(ui.AUDIO_EXAMPLE_CREDIT)
    run.click(
        ui.caption_audio, [audio, model, taggram_tagger], [chunks, taggram, summary], api_name="caption_audio"
    )


def image_tab() -> None:
    with gr.Row():
        with gr.Column(scale=2):
            # A file box, not gr.Image: gr.Image decodes the upload before lpmc can check its size and format.
            image = gr.File(label="Photo", file_types=["image"], type="filepath")
            preview = gr.Image(label="The photo", type="filepath", interactive=False, height=260)
            text = gr.Textbox(label="Optional words about it", placeholder="road trip with friends")
            catalog = gr.Radio(ui.catalog_choices(), value="jamendo", label="Catalog")
            libraries = ui.library_choices()
            library = gr.Dropdown(libraries, value=libraries[0], label="My library (for 'My library')")
            top = gr.Slider(1, 50, value=10, step=1, label="Songs")
            reader = model_dropdown(IMAGE_UNDERSTANDING, "Photo model")
            run = gr.Button("Find songs", variant="primary")
            analysis = gr.Markdown()
        with gr.Column(scale=3):
            songs = gr.Dataframe(
                headers=["#", "song", "tags", "why", "score"],
                column_widths=["5%", "25%", "27%", "35%", "8%"],
                datatype=["number", "markdown", "str", "str", "number"],
                label="Songs",
                wrap=True,
                interactive=False,
            )
            pick = gr.Dropdown(label="Play a song from My library", choices=[], visible=False)
            player = gr.Audio(label="Player", type="numpy", interactive=False)
    gr.Examples(ui.IMAGE_EXAMPLES, inputs=[image])
    run.click(
        ui.recommend_songs,
        [image, text, catalog, library, top, reader],
        [songs, analysis, pick, preview],
        api_name="recommend",
    )
    pick.change(ui.play_library_song, [pick, library], player, api_name="play_library_song")


def models_tab() -> None:
    table = gr.Dataframe(
        value=ui.models_table,
        headers=list(ui.MODEL_COLUMNS),
        column_widths=["12%", "16%", "11%", "33%", "16%", "12%"],
        label="Models",
        wrap=True,
        interactive=False,
        max_height=1200,
    )
    refresh = gr.Button("Refresh")
    refresh.click(ui.models_table, None, table, api_name="models")


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
            shared = gr.Dataframe(
                headers=list(ui.PLAYLIST_ROWS), label="What the songs share", wrap=True, interactive=False
            )
    describe.click(
        ui.describe_uploaded_playlist, [songs, backend], [blurb, shared], api_name="describe_playlist"
    )
    with gr.Row():
        with gr.Column():
            gr.Markdown("### Sounds like this")
            song = gr.File(label="Song", file_types=["audio"], type="filepath")
            library = gr.Dropdown(libraries, value=libraries[0], label="Library")
            top = gr.Slider(1, 50, value=10, step=1, label="Tracks")
            find = gr.Button("Find tracks that sound like it", variant="primary")
        with gr.Column():
            similar = gr.Dataframe(
                headers=list(ui.TRACK_COLUMNS), label="Sounds like", wrap=True, interactive=False
            )
    find.click(ui.similar_to_upload, [song, library, top], similar, api_name="similar_tracks")
    with gr.Row():
        with gr.Column():
            gr.Markdown("### Search by words")
            words = gr.Textbox(label="Words", placeholder="rainy night jazz piano")
            search_library = gr.Dropdown(libraries, value=libraries[0], label="Library")
            search_top = gr.Slider(1, 50, value=10, step=1, label="Tracks")
            search = gr.Button("Search", variant="primary")
        with gr.Column():
            hits = gr.Dataframe(headers=list(ui.HIT_COLUMNS), label="Found", wrap=True, interactive=False)
    search.click(ui.search_words, [words, search_library, search_top], hits, api_name="search_library")
    words.submit(ui.search_words, [words, search_library, search_top], hits)


if __name__ == "__main__":
    main()
