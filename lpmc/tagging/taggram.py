"""The taggram as a picture: top tags (rows) x time (columns), probability as colour."""

# Figure + FigureCanvasAgg draw off-screen without pyplot, so no GUI backend is ever chosen or needed.
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image

from lpmc.audio import chunk_bounds, format_timestamp
from lpmc.tagging.result import TagResult

MAX_COLUMNS = 300  # time resolution of the picture; at least one column per second
WIDTH_INCHES, ROW_INCHES, DPI = 9.0, 0.28, 100


def taggram_image(result: TagResult, top: int = 12) -> Image.Image:
    """A heat map of the `top` song-level tags over time; each column shows the mean of the windows
    overlapping it (TagResult.chunk_scores), so overlapping windows blend instead of hiding each other."""
    names = [tag for tag, _ in result.top(top)]
    rows = [result.tags.index(tag) for tag in names]
    step = max(1.0, result.duration / MAX_COLUMNS)
    grid = result.chunk_scores(chunk_bounds(result.duration, step))[:, rows].T  # (top, columns)

    figure = Figure(figsize=(WIDTH_INCHES, 1.2 + ROW_INCHES * len(names)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    image = axes.imshow(
        grid,
        aspect="auto",
        interpolation="nearest",
        cmap="magma",
        vmin=0.0,
        vmax=max(float(grid.max()), 1e-3),
        extent=(0.0, result.duration, len(names) - 0.5, -0.5),
    )
    axes.set_yticks(np.arange(len(names)), names)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: format_timestamp(seconds)))
    axes.set_xlabel("time (m:ss)")
    axes.set_title(f"{result.model}: top {len(names)} tags over time", fontsize=10)
    figure.colorbar(image, ax=axes, label="probability", pad=0.01)
    figure.tight_layout()
    figure.canvas.draw()
    return Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("RGB")
