"""Shared test setup: never touch the network, and find ../shared for optional conformance checks."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("LPMC_TORCH_THREADS", "2")

import pytest  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("LPMC_SHARED_DIR", PROJECT_DIR.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; tests that need it skip when it is absent (a user's clone)."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is not present (conformance data is optional)")
    return SHARED_DIR


APP_STARTUP_SECONDS = 180  # a bound on a hang, not a speed check


@contextlib.contextmanager
def running_app(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`python app.py` started as a user starts it, with `env` added, on a free port; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=PROJECT_DIR,
            env={**os.environ, **env, "LPMC_PORT": str(port)},
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + APP_STARTUP_SECONDS
            while True:
                if process.poll() is not None:
                    pytest.fail(f"app.py exited with {process.returncode}: {log_path.read_text()[-2000:]}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("app.py did not start listening in time")
                    time.sleep(0.5)
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
