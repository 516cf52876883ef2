"""Every choice the page and the CLI offer, through the UI adapters, the HTTP API and the command line.

For every task, "auto" and every registry entry are asked for a real result: an entry that is available here
must answer and be named as the one that did; an unavailable one must answer with the registry's own reason;
no path may answer "unknown". The choices are read from the registry, so a new entry is walked with no edit
here. Non-default entries are made available with small real models built by the tests (a tiny chat model,
tiny BLIP and CLIP), a fake OpenAI-compatible endpoint on loopback, and SmolLM2 as a GGUF file when its
package is installed. LP-MusicCaps' weights (1.6 GB) are not here, so its entries are walked as unavailable.
"""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from lpmc import registry, ui
from lpmc.captioning.export import FORMATS, export
from lpmc.cli import main as lpmc_main
from lpmc.tasks import (
    AUDIO_CAPTIONING,
    AUTO,
    IMAGE_UNDERSTANDING,
    TAG_CAPTIONING,
    TAGGING,
    TASKS,
    TEXT_EMBEDDING,
)
from lpmc.text.prompts import STYLES
from tests.conftest import PROJECT_DIR, running_app
from tests.fake_llm import FakeLLM
from tests.test_image_hub import build_tiny_blip, build_tiny_clip
from tests.test_text_gguf import smollm2_gguf
from tests.test_text_local_llm import build_tiny_chat_model

PHOTO = PROJECT_DIR / "assets" / "photos" / "sunset.jpg"
TAGS = "lo-fi, mellow piano, rainy night"
PATHS = ("ui", "cli", "api")
CHOICES = [(task, choice) for task in TASKS for choice in registry.choices(task)]


class Refused(Exception):
    """A path answered with a message instead of a result."""


@pytest.fixture(scope="module")
def endpoint():
    """An OpenAI-compatible endpoint on loopback (tests/fake_llm.py) that answers every request."""
    server = FakeLLM()
    yield server
    server.close()


@pytest.fixture(scope="module")
def environment(tmp_path_factory, endpoint) -> dict[str, str]:
    """Settings that make the non-default models available, shared by this process and the app."""
    root = tmp_path_factory.mktemp("every-choice")
    weights = root / "weights"
    build_tiny_clip(weights / "clip-vit-base-patch32")
    build_tiny_blip(weights / "blip-image-captioning-base")
    env = {
        "LPMC_WEIGHTS_DIR": str(weights),
        "LPMC_CACHE_DIR": str(root / "cache"),
        "LPMC_LOCAL_LLM": str(build_tiny_chat_model(root / "tiny-chat")),
        "LPMC_LLM_MAX_TOKENS": "16",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": endpoint.url,
    }
    try:
        env["LPMC_LLM_GGUF"] = str(smollm2_gguf())
    except pytest.skip.Exception:
        pass  # gguf-chat-llm is then walked as unavailable, with its reason
    return env


@pytest.fixture(scope="module")
def song(tmp_path_factory) -> str:
    """3 s of a pulsing chord: one chunk, enough for every tagger (shorter clips are looped to fill)."""
    sr = 16_000
    t = np.arange(3 * sr) / sr
    audio = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * (0.5 + 0.5 * np.sin(4 * t)) * 0.1
    path = tmp_path_factory.mktemp("song") / "chord.wav"
    soundfile.write(path, audio.astype(np.float32), sr)
    return str(path)


@pytest.fixture(scope="module")
def here(environment):
    """This process under the same settings as the app (loaded models are forgotten before and after)."""
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    registry.reset()
    yield
    registry.reset()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def library(here, song, tmp_path_factory):
    """The default library (under LPMC_CACHE_DIR) indexed with three songs by three artists."""
    from lpmc.recommend.library import index_folder

    folder = tmp_path_factory.mktemp("music")
    for artist in ("Ann", "Bo", "Cy"):
        (folder / artist).mkdir()
        (folder / artist / "chord.wav").write_bytes(Path(song).read_bytes())
    index_folder(folder, progress=False)


@pytest.fixture(scope="module")
def client(environment, here, tmp_path_factory):
    from gradio_client import Client

    with running_app(environment, tmp_path_factory.mktemp("app") / "app.log") as url:
        yield Client(url, verbose=False)


# ---------------------------------------------------------------------------------------------------
# One call per task and path; each returns the registry names of the models that produced the result.


def named(pattern: str, text: str) -> list[str]:
    found = re.search(pattern, text)
    assert found, f"no {pattern!r} in {text[:300]!r}"
    return found.group(1).split(", ")


def via_ui(task: str, choice: str, song: str, style: str = "writing", catalog: str = "pmemo") -> list[str]:
    import gradio as gr

    try:
        if task == TAG_CAPTIONING:
            _, provenance, _ = ui.caption_tags(TAGS, style, choice, False)
            return named(r"\*\*Written by:\*\* (\S+)", provenance)
        if task in (AUDIO_CAPTIONING, TAGGING):
            model, tagger = (choice, AUTO) if task == AUDIO_CAPTIONING else ("builtin", choice)
            *_, (rows, _, summary, _) = ui.caption_audio(song, model, tagger)
            assert rows and rows[0][1]
            return named(
                r"\*\*Model:\*\* (\S+)" if task == AUDIO_CAPTIONING else r"\*\*Taggram:\*\* (\S+)", summary
            )
        reader = choice if task == IMAGE_UNDERSTANDING else AUTO
        rows, analysis, _, _ = ui.recommend_songs(str(PHOTO), "", catalog, "", 3, reader)
        assert len(rows) == 3
        return image_names(task, analysis)
    except gr.Error as error:
        raise Refused(error.message) from None


def image_names(task: str, text: str) -> list[str]:
    if task == TEXT_EMBEDDING:
        return named(r"compared by (\S+?)\.", text)
    return named(r"Read by (.+?) and the photo", text)


def via_cli(task: str, choice: str, song: str, style: str = "writing", catalog: str = "pmemo") -> list[str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    if task == TAG_CAPTIONING:
        argv = ["tags2caption", "--tags", TAGS, "--style", style, "--backend", choice, "--json"]
    elif task == AUDIO_CAPTIONING:
        argv = ["caption", song, "--model", choice, "--json"]
    elif task == TAGGING:
        argv = ["tag", song, "--model", choice, "--json"]
    else:
        reader = choice if task == IMAGE_UNDERSTANDING else AUTO
        argv = ["recommend", "--image", str(PHOTO), "--catalog", catalog, "--top", "3", "--reader", reader]
        argv.append("--json")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = lpmc_main(argv)
    if code != 0:
        raise Refused(err.getvalue())
    result = json.loads(out.getvalue())
    if task == TAG_CAPTIONING:
        return [result["backend"]]
    if task in (AUDIO_CAPTIONING, TAGGING):
        return [result[0]["model"]]
    assert len(result["songs"]) == 3
    return [result["embedder"]] if task == TEXT_EMBEDDING else result["analysis"]["models"]


def via_api(client, task: str, choice: str, song: str, style: str = "writing", catalog: str = "pmemo"):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    try:
        if task == TAG_CAPTIONING:
            _, provenance, _ = client.predict(TAGS, style, choice, False, api_name="/tags_to_caption")
            return named(r"\*\*Written by:\*\* (\S+)", provenance)
        if task in (AUDIO_CAPTIONING, TAGGING):
            model, tagger = (choice, AUTO) if task == AUDIO_CAPTIONING else ("builtin", choice)
            rows, _, summary = client.predict(handle_file(song), model, tagger, api_name="/caption_audio")
            assert rows["data"] and rows["data"][0][1]
            return named(
                r"\*\*Model:\*\* (\S+)" if task == AUDIO_CAPTIONING else r"\*\*Taggram:\*\* (\S+)", summary
            )
        reader = choice if task == IMAGE_UNDERSTANDING else AUTO
        rows, analysis, _ = client.predict(
            handle_file(str(PHOTO)), "", catalog, "default", 3, reader, api_name="/recommend"
        )
        assert len(rows["data"]) == 3
        return image_names(task, analysis)
    except AppError as error:
        raise Refused(str(error)) from None


def answer(path: str, request, task: str, choice: str, song: str, **options) -> list[str]:
    if path == "ui":
        return via_ui(task, choice, song, **options)
    if path == "cli":
        return via_cli(task, choice, song, **options)
    return via_api(request.getfixturevalue("client"), task, choice, song, **options)


# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("task, choice", CHOICES)
def test_every_model_choice_answers_or_says_why(path, task, choice, song, here, request):
    name = registry.canonical(task, choice)
    if name != AUTO and not registry.availability(name):
        with pytest.raises(Refused) as refused:
            answer(path, request, task, choice, song)
        message = refused.value.args[0]
        assert registry.availability(name).reason in " ".join(message.split())
        assert "Unknown" not in message
        return
    models = answer(path, request, task, choice, song)
    if name != AUTO:
        assert models == [name]
    else:  # auto: the first available entry in the registry's order (every available one, for photo readers)
        available = [n for n in registry.candidates(task) if registry.availability(n)]
        assert models == (available if task == IMAGE_UNDERSTANDING else available[:1])


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("style", STYLES)
def test_every_style_writes(path, style, song, here, request):
    assert answer(path, request, TAG_CAPTIONING, "tag-writer", song, style=style) == ["tag-writer"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("catalog", [value for _, value in ui.catalog_choices()])  # every one offered
def test_every_catalog_recommends(path, catalog, song, here, library, request):
    assert answer(path, request, IMAGE_UNDERSTANDING, "mobilenet-v2", song, catalog=catalog) == [
        "mobilenet-v2"
    ]


@pytest.mark.parametrize("path", PATHS)
def test_an_unknown_choice_lists_the_registry_s_choices(path, song, here, request):
    if path == "cli":  # argparse refuses it before lpmc runs, listing the same choices
        with pytest.raises(SystemExit):
            via_cli(TAG_CAPTIONING, "gpt-9", song)
        return
    with pytest.raises(
        Refused, match="Unknown tag-captioning model 'gpt-9'. Choose one of: auto, llm-endpoint"
    ):
        answer(path, request, TAG_CAPTIONING, "gpt-9", song)


@pytest.mark.parametrize("path", ("ui", "api"))  # the command line prints JSON or text, not files
def test_every_download_format_is_what_export_writes(path, song, here, request):

    if path == "ui":
        *_, (_, _, _, captioned) = ui.caption_audio(song, "builtin", AUTO)
        buttons = ui.caption_downloads(captioned)
    else:
        from gradio_client import handle_file

        client = request.getfixturevalue("client")
        client.predict(handle_file(song), "builtin", AUTO, api_name="/caption_audio")
        buttons = client.predict(api_name="/caption_downloads")  # the same session's captions
    files = {
        fmt: Path(button["value"]).read_text("utf-8") for fmt, button in zip(FORMATS, buttons, strict=True)
    }
    captions = json.loads(files["json"])
    assert captions["file"] == Path(song).name and captions["chunks"][0]["text"]  # a name, never a path
    assert all(files[fmt] == export(captions, fmt) for fmt in FORMATS)


def test_the_walk_covers_every_registry_entry():
    walked = {choice for _, choice in CHOICES}
    assert set(registry.MODELS) <= walked


@pytest.mark.parametrize("path", ["ui", "api"])
def test_the_caption_language_reaches_the_llm_prompt(path, song, here, request, endpoint):
    if path == "ui":
        _, provenance, prompt = ui.caption_tags(TAGS, "writing", "llm-endpoint", True, "Korean")
        prompt = prompt["value"]
    else:
        client = request.getfixturevalue("client")
        _, provenance, prompt = client.predict(
            TAGS, "writing", "llm-endpoint", True, "Korean", api_name="/tags_to_caption"
        )
        prompt = prompt["value"]
    assert "Write the description in Korean." in prompt and "llm-endpoint" in provenance
    assert "Write the description in Korean." in endpoint.requests[-1]["body"]["messages"][1]["content"]
