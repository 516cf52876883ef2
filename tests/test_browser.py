"""Every tab in a real browser, as a user drives it: the running app (`python app.py`) in headless Chromium.

Debian's `chromium` is driven by Playwright's Python package (no browser is downloaded); the tests skip,
saying why, where either is missing. Each test fills in real inputs (the shipped example song, a shipped
photo), waits for the rendered result and checks it, then saves a screenshot to test-artifacts/, or to
LPMC_SCREENSHOTS_DIR when set (`LPMC_SCREENSHOTS_DIR=docs` takes the README's pictures).
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from lpmc.captioning.export import CSV_COLUMNS, to_srt, to_vtt
from lpmc.recommend.catalog import CATALOG_DIR, JAMENDO_FILE
from tests.browser import CHROMIUM, CHROMIUM_ARGS, WATCH_ROWS, upload_box, upload_input
from tests.conftest import PROJECT_DIR, running_app
from tests.synth_music import write_song

SONG = PROJECT_DIR / "assets" / "examples" / "caribbean_excerpt.ogg"  # 25 s: three chunks
PHOTO = PROJECT_DIR / "assets" / "photos" / "mountains.jpg"
ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = Path(os.environ.get("LPMC_SCREENSHOTS_DIR") or ARTIFACTS)
DESKTOP = {"width": 1280, "height": 900}
PHONE_WIDTH = 420
RESULT_SECONDS = 300  # a bound on a hang (the first run loads the models), not a speed check

if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev)")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A library index of one song (the example), as `python -m lpmc index` builds it."""
    home = tmp_path_factory.mktemp("library")
    (home / "music" / "Will Savino").mkdir(parents=True)
    (home / "music" / "Will Savino" / SONG.name).write_bytes(SONG.read_bytes())
    database = home / "library.sqlite"
    subprocess.run(
        [sys.executable, "-m", "lpmc", "index", str(home / "music")],
        cwd=PROJECT_DIR,
        env={**os.environ, "LPMC_LIBRARY_DB": str(database)},
        check=True,
        capture_output=True,
    )
    return database


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, library):
    home = tmp_path_factory.mktemp("home")
    env = {
        "LPMC_CACHE_DIR": str(home / "cache"),
        "LPMC_WEIGHTS_DIR": str(home / "weights"),
        "LPMC_LIBRARY_DB": str(library),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    with running_app(env, home / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(RESULT_SECONDS * 1000)
    sync_api.expect.set_options(timeout=RESULT_SECONDS * 1000)
    page = context.new_page()
    page.goto(app_url)
    yield page
    context.close()


def open_tab(page, name: str):
    """The tab's panel, once it is shown."""
    page.get_by_role("tab", name=name).click()
    return page.locator("[role=tabpanel]:visible")


def screenshot(page, name: str, folder: Path = SCREENSHOTS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def assert_fits_a_phone(page, name: str, folder: Path = ARTIFACTS) -> None:
    """At 420 px nothing is wider than the screen (tables scroll inside themselves, if at all)."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": DESKTOP["height"]})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.wait_for_timeout(500)  # tables measure their rows again after a resize; let them settle
    screenshot(page, f"{name}-{PHONE_WIDTH}px", folder)
    page.set_viewport_size(DESKTOP)


def cell(table, row: int, column: int):
    return table.locator(f"[data-testid='cell-{row}-{column}']")


def shown_text(page) -> str:
    return page.locator("body").inner_text()


def assert_no_local_path(page) -> None:
    text = shown_text(page)
    assert str(PROJECT_DIR) not in text and "/tmp/" not in text


# --- Tags -------------------------------------------------------------------------------------------


def test_tags_enter_writes_a_caption_and_an_error_replaces_it(page):
    tab = open_tab(page, "Tags → Caption")
    tags = tab.get_by_label("Tags (comma-separated)")
    tags.fill("lo-fi, mellow piano")
    tags.press("Shift+Enter")  # a new line, not a submit
    tags.press_sequentially("rainy night")
    assert tags.input_value() == "lo-fi, mellow piano\nrainy night"
    tags.press("Enter")
    caption = tab.get_by_role("textbox", disabled=True)  # read-only: the caption
    sync_api.expect(caption).to_have_value(re.compile("piano"))
    sync_api.expect(tab.get_by_text("Written by:")).to_be_visible()
    sync_api.expect(tab.get_by_role("button", name="Copy").first).to_be_visible()
    screenshot(page, "tab-tags")
    assert_fits_a_phone(page, "tab-tags")

    tab.get_by_label("Backend").click()
    unavailable = page.get_by_role("option", name=re.compile("llm-endpoint — unavailable: no endpoint"))
    unavailable.click()
    tab.get_by_role("button", name="Write caption").click()
    sync_api.expect(page.get_by_text(re.compile("no LLM endpoint is configured")).first).to_be_visible()
    sync_api.expect(caption).to_have_value("")  # the old caption is gone, not shown under the error
    sync_api.expect(tab.get_by_text("Written by:")).to_have_count(0)


# --- Audio ------------------------------------------------------------------------------------------


def caption_song(page, tab, song: Path) -> None:
    upload_input(tab, "Song").set_input_files(str(song))
    sync_api.expect(tab.get_by_role("button", name="Caption every 10 s")).to_be_enabled()
    page.wait_for_function("document.querySelector('[role=tabpanel] audio') !== null")
    page.evaluate(WATCH_ROWS)
    tab.get_by_role("button", name="Caption every 10 s").click()


def test_audio_rows_stream_then_download_play_and_fit_a_phone(page, tmp_path):
    tab = open_tab(page, "Audio → Caption")
    caption_song(page, tab, SONG)
    sync_api.expect(tab.get_by_role("button", name="⬇ JSON")).to_be_visible()
    table = tab.locator(".table-wrap").first
    sync_api.expect(cell(table, 2, 0)).to_have_text("0:20–0:25")
    rows, done = page.evaluate("[window.lpmcRows, window.lpmcDone]")
    first_row = next(when for when, count in rows if count >= 1)
    assert first_row < done, rows  # rows were on screen before the run was over
    assert page.evaluate("window.lpmcBars") == 1  # one progress bar, not one per output
    sync_api.expect(tab.get_by_role("img", name=re.compile("Tags over time"))).to_be_visible()

    files = {}
    for label in ("JSON", "CSV", "SRT", "WebVTT"):
        with page.expect_download() as download:
            tab.get_by_role("button", name=f"⬇ {label}").click()
        files[label] = Path(download.value.path()).read_text(encoding="utf-8")
    song = json.loads(files["JSON"])
    assert song["file"] == SONG.name and [chunk["end"] for chunk in song["chunks"]] == [10.0, 20.0, 25.0]
    table_rows = list(csv.DictReader(io.StringIO(files["CSV"])))
    assert tuple(table_rows[0]) == CSV_COLUMNS
    assert [row["caption"] for row in table_rows] == [chunk["text"] for chunk in song["chunks"]]
    assert files["SRT"] == to_srt(song) and files["WebVTT"] == to_vtt(song)

    cell(table, 1, 1).click()  # the second chunk: 10 s of the song in the player
    chunk_player = tab.get_by_test_id("waveform-The clicked chunk")
    sync_api.expect(chunk_player.locator("#duration")).to_have_text("0:10")
    screenshot(page, "tab-audio")
    assert_fits_a_phone(page, "tab-audio", SCREENSHOTS)
    assert_no_local_path(page)


def test_audio_stop_ends_a_long_run(page, tmp_path):
    """Ten minutes: long enough that Stop comes before the end (rows now stream from the first seconds)."""
    samples, sr = soundfile.read(SONG, dtype="float32", always_2d=True)
    long_song = tmp_path / "ten_minutes.flac"  # mono FLAC: libsndfile's Vorbis encoder crashed on 10 min
    soundfile.write(long_song, np.tile(samples.mean(axis=1), 24)[: 600 * sr], sr)
    tab = open_tab(page, "Audio → Caption")
    caption_song(page, tab, long_song)
    sync_api.expect(tab.get_by_text(re.compile(r"[Cc]hunk \d+/60"))).to_be_visible()
    tab.get_by_role("button", name="Stop").click()
    sync_api.expect(tab.get_by_text(re.compile(r"[Cc]hunk \d+/60"))).to_have_count(0)
    page.wait_for_timeout(2000)  # a run that went on would add rows
    table = tab.locator(".table-wrap").first
    assert cell(table, 59, 0).count() == 0  # the last chunk never came
    if cell(table, 0, 0).count():  # the rows written before Stop are kept, and offered for download
        sync_api.expect(tab.get_by_role("button", name="⬇ JSON")).to_be_visible()


# --- Image ------------------------------------------------------------------------------------------


def jamendo_track_ids() -> set[str]:
    with (CATALOG_DIR / JAMENDO_FILE).open(newline="", encoding="utf-8") as handle:
        return {row["track_id"] for row in csv.DictReader(handle)}


def test_image_previews_recommends_plays_and_labels_the_user_s_words(page):
    tab = open_tab(page, "Image → Music")
    upload_input(tab, "Photo").set_input_files(str(PHOTO))
    sync_api.expect(tab.get_by_role("img", name="The photo")).to_be_visible()  # before any search
    tab.get_by_label("Optional words about it").fill("christmas with the family")
    tab.get_by_role("button", name="Find songs").click()
    table = tab.locator(".table-wrap").first
    sync_api.expect(cell(table, 9, 0)).to_contain_text("10 · ")
    streams = set(table.locator("audio").evaluate_all("players => players.map(p => p.getAttribute('src'))"))
    assert len(streams) == 10  # one player per song (the table may draw a row twice while laying out)
    track_ids = jamendo_track_ids()
    for stream in streams:
        found = re.fullmatch(r"https://mp3l\.jamendo\.com/\?trackid=(\d+)&format=mp31", stream)
        assert found and found.group(1) in track_ids
    assert "your words: 'christmas with the family'" in table.inner_text()
    score = cell(table, 0, 2).locator("span").first
    assert score.evaluate("e => e.getClientRects().length") == 1  # "0.83" on one line
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")  # every column in view
    sync_api.expect(tab.get_by_text(re.compile("Read by efficientnet-lite0"))).to_be_visible()
    assert_no_local_path(page)
    screenshot(page, "tab-image")
    assert_fits_a_phone(page, "tab-image")

    tab.get_by_label("PMEmo (popular songs)").check()
    tab.get_by_role("button", name="Find songs").click()
    sync_api.expect(cell(table, 0, 0)).to_contain_text(re.compile(r"valence 0\.\d\d, arousal 0\.\d\d"))
    search = cell(table, 0, 0).get_by_role("link", name="search")
    assert search.get_attribute("href").startswith("https://www.youtube.com/results?search_query=")


def test_image_examples_and_library_songs_play(page):
    tab = open_tab(page, "Image → Music")
    tab.get_by_role("button", name=re.compile("Thumbnail 1 of")).click()  # the first example photo
    sync_api.expect(tab.get_by_role("img", name="The photo")).to_be_visible()
    tab.get_by_label("My library", exact=True).check()
    tab.get_by_role("button", name="Find songs").click()
    table = tab.locator(".table-wrap").first
    sync_api.expect(cell(table, 0, 0)).to_contain_text("click the row to play")
    cell(table, 0, 1).click()
    player = tab.locator("[data-testid^='waveform-Player']")
    sync_api.expect(player.locator("#duration")).to_have_text("0:25")
    assert_no_local_path(page)


# --- Library ----------------------------------------------------------------------------------------


def test_library_describes_a_playlist_finds_alike_and_searches_words(page, tmp_path):
    tab = open_tab(page, "Library")
    piano = tmp_path / "night_piano.wav"
    write_song(piano, "piano", 20.0, seed=3)
    upload_input(tab, "Songs").set_input_files([str(SONG), str(piano)])
    sync_api.expect(upload_box(tab, "Songs")).to_contain_text("night_piano")  # listed, as a user waits to see
    tab.get_by_role("button", name="Describe the playlist").click()
    sync_api.expect(tab.get_by_text(re.compile("Written by"))).to_be_visible()
    shared = tab.locator(".table-wrap").first
    sync_api.expect(cell(shared, 0, 1)).to_have_text("2")  # songs
    assert [cell(shared, row, 0).inner_text() for row in range(3)] == ["songs", "moods", "styles"]

    upload_input(tab, "Song").set_input_files(str(SONG))
    sync_api.expect(upload_box(tab, "Song")).to_contain_text("caribbean_excerpt")
    tab.get_by_role("button", name="Find tracks that sound like it").click()
    alike = tab.locator(".table-wrap").nth(1)
    sync_api.expect(cell(alike, 0, 1)).to_have_text("caribbean_excerpt")  # the indexed copy of the song
    sync_api.expect(cell(alike, 0, 2)).to_contain_text("shares ")

    tab.get_by_label("Words").fill("drums")
    tab.get_by_label("Words").press("Enter")
    found = tab.locator(".table-wrap").nth(2)
    sync_api.expect(cell(found, 0, 1)).to_have_text("caribbean_excerpt")
    sync_api.expect(cell(found, 0, 2)).to_contain_text("drums")
    for table in (shared, alike, found):
        assert table.evaluate("e => e.scrollWidth <= e.clientWidth")  # every column in view
    sync_api.expect(tab.get_by_text("Why not a stronger model?")).to_be_visible()  # folded, not a wall
    assert_no_local_path(page)
    screenshot(page, "tab-library")
    assert_fits_a_phone(page, "tab-library")


# --- Models -----------------------------------------------------------------------------------------


def test_models_are_grouped_with_short_rows_and_folded_reasons(page):
    tab = open_tab(page, "Models")
    table = tab.locator(".table-wrap").first
    sync_api.expect(cell(table, 0, 0)).to_have_text("tag-captioning")
    assert cell(table, 1, 0).inner_text().strip() == ""  # the task is named once per group
    sync_api.expect(table).to_contain_text("❌ weights not on this machine")
    folded = tab.locator("details", has_text="lp-music-caps-transfer")
    sync_api.expect(folded.get_by_text(re.compile("LPMC_WEIGHTS_DIR"))).to_be_hidden()
    folded.locator("summary").click()
    sync_api.expect(folded.get_by_text(re.compile("LPMC_WEIGHTS_DIR"))).to_be_visible()
    assert_no_local_path(page)
    screenshot(page, "tab-models")
    assert_fits_a_phone(page, "tab-models")
