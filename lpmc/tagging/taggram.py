"""The taggram as a picture: tags (rows) x time (columns), probability as colour on a fixed 0–1 scale.

A page shows it beside captions whose tags are in the captioner's words, so the tagger's tags can be
renamed (`word`): synonyms ("no vocal", "no vocals") become one row at their best score, and the rows
can be the tags the page shows (`shown`), followed, in grey, by the tagger's strongest other words.
The colour scale is fixed, so a quiet song never glows and two songs' pictures compare.
"""

from collections.abc import Callable, Sequence

# Figure + FigureCanvasAgg draw off-screen without pyplot, so no GUI backend is ever chosen or needed.
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image

from lpmc.audio import chunk_bounds, format_timestamp
from lpmc.tagging.result import TagResult

MAX_COLUMNS = 300  # time resolution of the picture; at least one column per second
# Narrow enough that a phone (420 px) scales it down only a little, so the labels stay readable.
WIDTH_INCHES, ROW_INCHES, DPI, FONT_SIZE = 4.6, 0.32, 100, 11
MIN_ROWS = 6  # the tagger's strongest other words fill the picture up to this many rows
OTHER_ROW_COLOUR = "#777777"


def word_scores(
    result: TagResult, bounds: list[tuple[float, float]], word: Callable[[str], str | None]
) -> tuple[list[str], np.ndarray]:
    """(words, (C, W) scores over `bounds`): the tagger's tags renamed by `word`, tags sharing a word
    merged at their maximum, tags it renames to None left out."""
    scores = result.chunk_scores(bounds)
    merged: dict[str, np.ndarray] = {}
    for index, tag in enumerate(result.tags):
        name = word(tag)
        if name is not None:
            merged[name] = np.maximum(merged.get(name, scores[:, index]), scores[:, index])
    return list(merged), np.stack(list(merged.values()), axis=1)


def choose_rows(words: list[str], strength: np.ndarray, shown: Sequence[str], least: int) -> list[str]:
    """The `shown` words the tagger has, in order, then its strongest others (`strength`, one per word)
    until there are `least` rows."""
    rows = [name for name in shown if name in words]
    others = [words[i] for i in np.argsort(-strength, kind="stable") if words[i] not in rows]
    return rows + others[: max(0, least - len(rows))]


def taggram_image(
    result: TagResult,
    shown: Sequence[str] = (),
    word: Callable[[str], str | None] = lambda tag: tag,
    least: int = MIN_ROWS,
) -> Image.Image:
    """A heat map over time of the `shown` words the tagger has (black labels), then its strongest other
    words (grey) up to `least` rows. Each column is the mean of the windows overlapping it
    (TagResult.chunk_scores), so overlapping windows blend instead of hiding each other."""
    step = max(1.0, result.duration / MAX_COLUMNS)
    words, scores = word_scores(result, chunk_bounds(result.duration, step), word)
    names = choose_rows(words, scores.mean(axis=0), shown, least)
    grid = scores[:, [words.index(name) for name in names]].T  # (rows, columns)

    figure = Figure(figsize=(WIDTH_INCHES, 1.3 + ROW_INCHES * len(names)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    image = axes.imshow(
        grid,
        aspect="auto",
        interpolation="nearest",
        cmap="magma",
        vmin=0.0,
        vmax=1.0,
        extent=(0.0, result.duration, len(names) - 0.5, -0.5),
    )
    axes.set_yticks(np.arange(len(names)), names, fontsize=FONT_SIZE)
    for label, name in zip(axes.get_yticklabels(), names, strict=True):
        label.set_color("black" if name in shown else OTHER_ROW_COLOUR)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: format_timestamp(seconds)))
    axes.tick_params(axis="x", labelsize=FONT_SIZE)
    axes.set_title(f"{result.model}: tags over time", fontsize=FONT_SIZE, loc="left")
    if shown:
        axes.set_xlabel("grey rows: not in the captions", fontsize=FONT_SIZE - 1, color=OTHER_ROW_COLOUR)
    figure.colorbar(image, ax=axes, pad=0.02, fraction=0.04).ax.tick_params(labelsize=FONT_SIZE - 1)
    figure.tight_layout()
    figure.canvas.draw()
    return Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("RGB")
