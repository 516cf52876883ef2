"""`caption DIR --out FILE --backend ray`: the files of a folder run captioned on a Ray cluster.

Ray Data reads the list of files still to do and maps it, one file per batch, through a pool of actors
that each load the captioner once (`SongCaptioner`); the lines come back to this process, which writes
them exactly as a local run does (batch.py), so resuming works the same. Ray restarts an actor that
dies and retries its file (Ray Data's defaults for actor pools); a file that cannot be read is a line
with its reason, not a failure. Every node must see the music at the same path (a shared filesystem);
this checkout is shipped to the cluster as the job's working directory, so the nodes need only the
Python packages of requirements.txt. Ray is optional: requirements-ray.txt.
"""

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from lpmc import settings
from lpmc.captioning.batch import Started, caption_entry, single_threaded
from lpmc.captioning.journal import FileKey
from lpmc.errors import InputError

PROJECT_DIR = settings.PACKAGE_DIR.parent
# Not needed on the cluster; everything else of the checkout (code and assets, about 25 MB) is shipped.
NOT_SHIPPED = [".git", "tests", "bench", "**/__pycache__"]
# The environment lpmc reads its settings from, passed on to the workers (no keys or other secrets).
SETTINGS_PREFIXES = ("LPMC_", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "OMP_WAIT_POLICY")


class SongCaptioner:
    """A Ray actor: loads the captioner on its first file, then captions one batch of files at a time."""

    def __init__(self, model: str):
        single_threaded()  # one CPU per actor, as Ray schedules it
        self.model = model

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[str]]:
        keys = [
            FileKey(str(file), int(size), int(mtime_ns))
            for file, size, mtime_ns in zip(batch["file"], batch["size"], batch["mtime_ns"], strict=True)
        ]
        return {"line": [json.dumps(caption_entry(key, self.model), ensure_ascii=False) for key in keys]}


def caption_on_ray(
    todo: list[FileKey], model: str, workers: int | None, started: Started, address: str | None = None
) -> Iterator[dict[str, Any]]:
    """Lines of `todo` as Ray finishes them. Joins the cluster at `address` (or the one this process
    already joined), else starts a local one; `workers`: actors (None: one per CPU of the cluster).
    Ray does not say when an actor starts a file, so `started` is never called."""
    if not todo:
        return
    ray = _import_ray()
    joined_here = not ray.is_initialized()
    if joined_here:
        ray.init(
            address=address,
            num_cpus=None if address else workers,  # a cluster of our own: as many CPUs as workers asked for
            runtime_env=_runtime_env(),
            logging_level=logging.WARNING,
            include_dashboard=False,
        )
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False  # lpmc draws its own
        actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        files = ray.data.from_items([key.fields() for key in todo], override_num_blocks=len(todo))
        lines = files.map_batches(
            SongCaptioner,
            fn_constructor_kwargs={"model": model},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(actors, len(todo))),
            num_cpus=1,
        )
        for row in lines.iter_rows():
            yield json.loads(row["line"])
    finally:
        if joined_here:
            ray.shutdown()


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise InputError("--backend ray needs Ray: pip install -r requirements-ray.txt") from None
    for name in ("ray", "ray.data"):  # Ray Data logs every stage at INFO
        logging.getLogger(name).setLevel(logging.WARNING)
    return ray


def _runtime_env() -> dict[str, Any]:
    """This checkout as the workers' working directory, and lpmc's settings as their environment."""
    variables = {name: value for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIXES)}
    return {"working_dir": str(PROJECT_DIR), "excludes": NOT_SHIPPED, "env_vars": variables}
