"""50 concurrent mixed requests against the running app, through its HTTP API, as users would send them.

    python bench/load.py [--requests 50] [--clients 50]

Starts `python app.py` on a free port, then sends tags, photo and short-audio requests at once from
`--clients` threads (gradio_client), each bounded in time. Prints errors, p50/p95 seconds per tab, and
the server's peak resident memory (VmHWM): the queue, not the number of requests, bounds it.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bench.common import machine_line  # noqa: E402

PHOTO = PROJECT_DIR / "assets" / "photos" / "sunset.jpg"
REQUEST_SECONDS = 600  # a bound per request: one that takes longer counts as an error
STARTUP_SECONDS = 180


def start_app(home: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "LPMC_PORT": str(port), "LPMC_CACHE_DIR": str(home / "cache"), "HF_HUB_OFFLINE": "1"}
    log = (home / "app.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_DIR, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("app.py did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def short_song(folder: Path) -> str:
    sr = 16_000
    t = np.arange(5 * sr) / sr
    audio = (0.2 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 2 * t)) / 2).astype(np.float32)
    path = folder / "five-seconds.wav"
    soundfile.write(path, audio, sr)
    return str(path)


def main() -> None:
    from gradio_client import Client, handle_file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        process, url = start_app(home)
        song = short_song(home)
        calls = {
            "tags": lambda c: c.predict(
                "lo-fi, piano, rainy night", "writing", "auto", False, api_name="/tags_to_caption"
            ),
            "image": lambda c: c.predict(
                handle_file(str(PHOTO)), "", "jamendo", "default", 10, "auto", api_name="/recommend"
            ),
            "audio": lambda c: c.predict(handle_file(song), "auto", "auto", api_name="/caption_audio"),
        }
        Client(url, verbose=False).predict(
            *("warm up", "writing", "auto", False), api_name="/tags_to_caption"
        )
        plan = [list(calls)[i % len(calls)] for i in range(args.requests)]

        def send(tab: str) -> tuple[str, float, str]:
            start = time.perf_counter()
            try:
                client = Client(url, verbose=False)
                with ThreadPoolExecutor(1) as one:
                    one.submit(calls[tab], client).result(timeout=REQUEST_SECONDS)
                return tab, time.perf_counter() - start, ""
            except Exception as error:  # every failure is counted and printed, whatever it is
                return tab, time.perf_counter() - start, f"{type(error).__name__}: {str(error)[:120]}"

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(send, plan))
        wall = time.perf_counter() - started
        rss = peak_rss_mb(process.pid)
        process.terminate()
        process.wait(timeout=30)
    errors = [(tab, error) for tab, _, error in results if error]
    print(f"{args.requests} requests from {args.clients} clients in {wall:.1f} s; errors: {len(errors)}")
    for tab, error in errors[:10]:
        print(f"  {tab}: {error}")
    for tab in calls:
        times = sorted(seconds for name, seconds, error in results if name == tab and not error)
        if times:
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            print(f"{tab:<6} n={len(times):<3} p50 {statistics.median(times):6.2f} s  p95 {p95:6.2f} s")
    print(f"server peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
