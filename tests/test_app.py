"""The real app, started as a user starts it, answers through gradio_client."""

import socket
import subprocess

import pytest

from lpmc import registry
from tests.conftest import PROJECT_DIR, running_app


@pytest.fixture(scope="module")
def app_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def app_url(app_home):
    env = {
        "LPMC_CACHE_DIR": str(app_home / "cache"),
        "LPMC_WEIGHTS_DIR": str(app_home / "weights"),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    with running_app(env, app_home / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_models_endpoint_lists_the_registry_with_reasons(client):
    table, details = client.predict(api_name="/models")
    rows = {row[1].split(" ")[0]: row for row in table["data"]}
    assert set(rows) == set(registry.MODELS)
    assert rows["all-minilm-l6-v2"][0] == "text-embedding" and rows["all-minilm-l6-v2"][2].startswith("✅")
    assert rows["lp-music-caps-transfer"][2] == "❌ weights not on this machine"
    assert rows["lp-music-caps-transfer"][3] == "Hugging Face: facebook/bart-base, seungheondoh/lp-music-caps"
    assert rows["tag-writer"][1] == "tag-writer (or builtin)"
    transfer = details[details.index("<b>lp-music-caps-transfer</b>") :].split("</details>")[0]
    assert "LPMC&#95;WEIGHTS&#95;DIR" in transfer  # the full reason, folded (escaped for the page)


def _own_non_loopback_addresses() -> list[str]:
    """This machine's own IPv4 addresses other than loopback (from `ip`, when it is installed)."""
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    addresses = [line.split()[3].split("/")[0] for line in out.stdout.splitlines() if " inet " in line]
    return [address for address in addresses if not address.startswith("127.")]


def test_app_binds_to_loopback_only(app_url):
    port = int(app_url.rstrip("/").rsplit(":", 1)[1])
    addresses = _own_non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback address to try")
    for address in addresses:  # the machine's own interfaces only: the app must not answer there
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_tags_tab_writes_a_caption_and_says_who_wrote_it(client):
    caption, provenance, prompt = client.predict(
        "lo-fi, mellow piano, rainy night, slow tempo", "writing", "auto", True, api_name="/tags_to_caption"
    )
    assert "piano" in caption.lower()
    assert provenance.startswith("**Written by:** tag-writer")
    assert prompt["visible"] and "mellow piano" in prompt["value"]


def test_tags_tab_explains_empty_input(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="at least one tag"):
        client.predict("  , ,", "writing", "auto", False, api_name="/tags_to_caption")


def _tone_file(path, seconds: float) -> str:
    import numpy as np
    import soundfile

    sr = 16000
    t = np.arange(int(seconds * sr)) / sr
    audio = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 2 * t)) / 2
    soundfile.write(path, audio.astype(np.float32), sr)
    return str(path)


def test_audio_tab_captions_every_chunk_and_draws_the_taggram(client, tmp_path):
    from gradio_client import handle_file

    song = _tone_file(tmp_path / "tone.wav", 25)
    rows, taggram, summary = client.predict(handle_file(song), "auto", "auto", api_name="/caption_audio")
    times = [row[0] for row in rows["data"]]
    assert times == ["0:00–0:10", "0:10–0:20", "0:20–0:25"]
    assert all(row[1] for row in rows["data"])
    assert taggram is not None
    assert "builtin-captioner" in summary


def test_audio_tab_refuses_a_text_file_clearly(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    fake = tmp_path / "notes.mp3"
    fake.write_text("this is not audio\n" * 50)
    with pytest.raises(AppError, match="(?i)audio|decode|read"):
        client.predict(handle_file(str(fake)), "auto", "auto", api_name="/caption_audio")


def test_image_tab_recommends_songs_with_reasons(client):
    from gradio_client import handle_file

    photo = str(PROJECT_DIR / "assets" / "photos" / "sunset.jpg")
    assert client.predict(handle_file(photo), api_name="/preview_photo")  # shown once read
    rows, analysis, player = client.predict(
        handle_file(photo), "", "jamendo", "default", 5, "auto", api_name="/recommend"
    )
    assert len(rows["data"]) == 5
    assert all(row[1] for row in rows["data"])  # every song says why
    assert "Mood" in analysis and not player["visible"]  # Jamendo songs play in their row


def test_no_endpoint_takes_a_server_path(client):
    """The players get a clicked row: the songs' paths stay on the server (gr.State), never sent."""
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert "/play_library_song" not in endpoints


def test_image_tab_refuses_a_decompression_bomb_clearly(client, tmp_path):
    import struct
    import zlib

    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)  # claims 20000 x 20000 RGB
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
    )
    with pytest.raises(AppError, match="(?i)pixels"):
        client.predict(handle_file(str(bomb)), "", "jamendo", "default", 5, "auto", api_name="/recommend")


def test_a_refused_input_is_one_log_line_not_a_traceback(client, app_home, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AppError, match="is empty"):
        client.predict(handle_file(str(empty)), "auto", "auto", api_name="/caption_audio")
    log = (app_home / "app.log").read_text()
    assert "refused: Audio file 'empty.wav' is empty" in log
    assert "Traceback" not in log
