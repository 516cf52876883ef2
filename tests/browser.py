"""What the browser tests and bench/audio_tab.py share: Debian's Chromium, how it is started, how a file
is given to an upload box, and a recorder of the Audio tab's captions table."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def upload_box(panel, label: str):
    """The upload box labelled `label`. By label, not by position: each results table has a hidden
    CSV-import file input too, and on a busy CPU a table may be mounted before the upload box."""
    label_text = panel.page.get_by_test_id("block-label").get_by_text(label, exact=True)
    return panel.locator(".block").filter(has=label_text)


def upload_input(panel, label: str):
    """The file input of the upload box labelled `label`."""
    return upload_box(panel, label).locator("input[type=file]")


# Records, in the page, each change of the Audio tab's captions table after a click: [ms since the click,
# rows shown] in window.lpmcRows, the most progress bars seen at once in window.lpmcBars, and when the
# downloads appear (the run is over) in window.lpmcDone. What an earlier run left on the page counts only
# once the click has cleared it. Rows are counted by their first cell's data-testid.
WATCH_ROWS = """() => {
    window.lpmcObserver?.disconnect();
    Object.assign(window, {lpmcRows: [], lpmcBars: 0, lpmcDone: null});
    const start = performance.now();
    let cleared = false;
    const shown = e => e.offsetParent !== null && e.closest("[role=tabpanel]");
    const rows = () => new Set([...document.querySelectorAll("[data-testid^='cell-'][data-col='0']")]
        .filter(shown).map(e => e.dataset.testid)).size;
    const downloads = () => [...document.querySelectorAll("button")]
        .some(e => shown(e) && e.innerText.includes("JSON"));
    window.lpmcObserver = new MutationObserver(() => {
        const now = performance.now() - start, count = rows();
        cleared ||= count === 0 && !downloads();
        if (!cleared) return;
        if (window.lpmcRows.at(-1)?.[1] !== count) window.lpmcRows.push([now, count]);
        const bars = document.querySelectorAll(".progress-level-inner").length;
        window.lpmcBars = Math.max(window.lpmcBars, bars);
        if (window.lpmcDone === null && downloads()) window.lpmcDone = now;
    });
    window.lpmcObserver.observe(document.body, {subtree: true, childList: true, characterData: true,
                                                attributes: true});
}"""
