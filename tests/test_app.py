"""The real app, started as a user starts it, answers through gradio_client."""

import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_DIR

STARTUP_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "LPMC_PORT": str(port),
        "LPMC_CACHE_DIR": str(home / "cache"),
        "LPMC_WEIGHTS_DIR": str(home / "weights"),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    log = (home / "app.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_DIR, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}: {(home / 'app.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("app.py did not start listening in time")
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_models_endpoint_lists_the_registry_with_reasons(client):
    table = client.predict(api_name="/models")
    rows = {row[0]: row for row in table["data"]}
    assert rows["all-minilm-l6-v2"][2] == "yes"
    assert rows["lp-music-caps-transfer"][2] == "no"
    assert "LPMC_WEIGHTS_DIR" in rows["lp-music-caps-transfer"][3]


def test_app_binds_to_loopback_only(app_url):
    port = int(app_url.rstrip("/").rsplit(":", 1)[1])
    own_address = socket.gethostbyname(socket.gethostname())
    if own_address.startswith("127."):
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((own_address, port), timeout=2).close()
