"""How long the Audio tab makes a user wait: from the click to the first caption row, and to the last.

    python bench/audio_tab.py [--repeats 3]

Starts the app as a user does (`python app.py`, built-in models), opens it in headless Chromium (Debian's,
driven by playwright as in tests/test_browser.py), and captions the shipped 25 s example and a 3-minute
song (the example repeated) `--repeats` times each after one warm-up run that loads the models. Prints
the median and range of each time; "done" is when the download buttons appear (every row is then shown).
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, WATCH_ROWS, upload_input  # noqa: E402
from tests.conftest import running_app  # noqa: E402

EXAMPLE = PROJECT_DIR / "assets" / "examples" / "caribbean_excerpt.ogg"
LONG_SECONDS = 180
RUN_SECONDS = 600  # a bound on a hang


def three_minute_song(folder: Path) -> Path:
    samples, sr = soundfile.read(EXAMPLE, dtype="float32")
    repeats = -(-LONG_SECONDS * sr // len(samples))
    path = folder / "three_minutes.flac"
    soundfile.write(path, np.concatenate([samples] * repeats)[: LONG_SECONDS * sr], sr)
    return path


def caption_once(page) -> tuple[float, float]:
    """(seconds to the first row, seconds to the end of the run) of one click."""
    page.evaluate(WATCH_ROWS)
    page.get_by_role("button", name="Caption every 10 s").click()
    page.wait_for_function("window.lpmcDone !== null", timeout=RUN_SECONDS * 1000)
    rows, done = page.evaluate("[window.lpmcRows, window.lpmcDone]")
    first = next(when for when, count in rows if count >= 1)
    return first / 1000, done / 1000


def timings(page, song: Path, repeats: int) -> list[tuple[float, float]]:
    page.reload()  # a fresh page: no song loaded yet
    page.get_by_role("tab", name="Audio → Caption").click()
    panel = page.locator("[role=tabpanel]:visible")
    upload_input(panel, "Song").set_input_files(str(song))
    page.wait_for_function("document.querySelector('[role=tabpanel] audio') !== null")
    caption_once(page)  # warm-up: loads the taggers, and the first upload is processed
    return [caption_once(page) for _ in range(repeats)]


def describe(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s (range {min(values):.2f}–{max(values):.2f})"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        songs = {"example (25 s)": EXAMPLE, "3-minute song": three_minute_song(Path(folder))}
        env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "LPMC_CACHE_DIR": str(Path(folder) / "cache")}
        with running_app(env, Path(folder) / "app.log") as url:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for name, song in songs.items():
                runs = timings(page, song, args.repeats)
                print(f"{name}: first row {describe([first for first, _ in runs])}")
                print(f"{name}: done      {describe([done for _, done in runs])}")
            browser.close()


if __name__ == "__main__":
    main()
