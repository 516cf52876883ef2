"""Caption every audio file under a folder into a JSON-lines file, resumably, on one or more workers.

    python -m lpmc caption DIR --out captions.jsonl [--workers N] [--format srt] [--backend ray]

Each file gets what the Audio tab shows (a caption for every 10 s chunk and a song summary); its line is
`SongCaption.to_dict()` plus the file's size and modification time (see journal.py), or
{"file", "size", "mtime_ns", "error"} when the file cannot be read, so a bad file is recorded, listed in
the summary, and not tried again until it changes. Only this process writes the file, whichever backend
captions: in this process (1 worker), N single-threaded worker processes, or a Ray cluster (ray_batch.py).
With --format csv, srt or vtt each song is also written in that format to a folder beside the JSON lines
(captions.jsonl -> captions-srt/<path under DIR>.srt), from its line, so the two always agree.
"""

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lpmc import registry, runtime
from lpmc.captioning.export import SUFFIXES, export
from lpmc.captioning.journal import FileKey, Journal
from lpmc.errors import InputError
from lpmc.tasks import AUDIO_CAPTIONING, AUTO

FORMATS = ("jsonl", "csv", "srt", "vtt")  # jsonl: the lines only
BACKENDS = ("local", "ray")
# A file that fails so is unreadable, and the run goes on; a model that cannot run (ModelUnavailable)
# stops the run instead. Decoders fail in their own ways on odd files, hence the built-in errors.
FILE_ERRORS = (InputError, OSError, RuntimeError, ValueError)

# Called with each file as a worker starts on it (for the progress bar).
Started = Callable[[FileKey], None]
# How often a worker process checks that the run it works for is still there.
PARENT_CHECK_SECONDS = 1.0


@dataclass
class BatchReport:
    out: Path
    captioned: int = 0  # files captioned by this run
    already: int = 0  # files whose line was there before this run
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file under DIR, reason)

    def summary(self) -> str:
        lines = [
            f"{self.captioned} files captioned, {self.already} already in {self.out.name}, "
            f"{len(self.unreadable)} unreadable"
        ]
        if self.unreadable:
            lines[0] += " (recorded; tried again only when the file changes):"
            lines += [f"  {name}: {reason}" for name, reason in self.unreadable]
        return "\n".join(lines)


def caption_folder(
    folder: str | Path,
    out: str | Path,
    model: str = AUTO,
    workers: int | None = None,
    fmt: str = "jsonl",
    backend: str = "local",
    address: str | None = None,
    progress: bool = True,
) -> BatchReport:
    """Caption every audio file under `folder` that `out` has no line for yet. `workers`: processes (or Ray
    actors) captioning side by side; None: 1 locally, every CPU of the Ray cluster."""
    from tqdm import tqdm

    from lpmc.audio import audio_files  # numpy and the decoders: not for `--help`, which reads FORMATS

    folder = Path(folder).expanduser().resolve()
    out = Path(out).expanduser().resolve()
    _check(folder, out, fmt, backend, workers)
    registry.canonical(AUDIO_CAPTIONING, model)  # an unknown model is refused before any work
    journal = Journal(out)
    keys = [FileKey.of(path) for path in audio_files(folder)]
    todo = [key for key in keys if not journal.done(key)]
    report = BatchReport(out, already=len(keys) - len(todo))
    for key in keys:  # songs finished by a run that was stopped before writing their files
        if journal.done(key):
            _export(journal.latest[key.file], folder, out, fmt)
    with tqdm(
        total=len(keys), initial=report.already, unit="file", desc="captioning", disable=not progress
    ) as bar:

        def started(key: FileKey) -> None:
            bar.set_postfix_str(Path(key.file).name, refresh=True)

        for entry in _backend(backend)(todo, model, workers, started, address):
            journal.append(entry)
            _export(entry, folder, out, fmt)
            report.captioned += "error" not in entry
            bar.update(1)
    report.unreadable = [
        (_under(folder, key.file), journal.latest[key.file]["error"])
        for key in keys
        if "error" in journal.latest[key.file]
    ]
    return report


def caption_entry(key: FileKey, model: str) -> dict[str, Any]:
    """The file's line: its captions, or why it cannot be read. Runs in whichever worker captions it."""
    from lpmc.captioning.pipeline import caption_file

    try:
        song = caption_file(key.file, model)
    except FILE_ERRORS as error:
        reason = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
        return {**key.fields(), "error": reason}
    return {**key.fields(), **song.to_dict()}


def export_folder(out: Path, fmt: str) -> Path:
    """Where --format puts one file per song: beside the JSON lines, captions.jsonl -> captions-srt/."""
    return out.with_name(f"{out.stem}-{fmt}")


def _check(folder: Path, out: Path, fmt: str, backend: str, workers: int | None) -> None:
    if not folder.is_dir():
        raise InputError(f"'{folder.name}' is not a folder; give the folder that holds your music.")
    if fmt not in FORMATS:
        raise InputError(f"Unknown format '{fmt}'; choose one of: {', '.join(FORMATS)}.")
    if backend not in BACKENDS:
        raise InputError(f"Unknown backend '{backend}'; choose one of: {', '.join(BACKENDS)}.")
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1 (got {workers}).")


def _backend(name: str) -> Callable[..., Iterator[dict[str, Any]]]:
    if name == "ray":
        from lpmc.captioning.ray_batch import caption_on_ray

        return caption_on_ray
    return caption_locally


def caption_locally(
    todo: list[FileKey], model: str, workers: int | None, started: Started, address: str | None = None
) -> Iterator[dict[str, Any]]:
    """Lines of `todo` as they finish: in this process, or on `workers` single-threaded processes."""
    if (workers or 1) == 1:
        for key in todo:
            started(key)
            yield caption_entry(key, model)
        return
    yield from _in_worker_processes(todo, model, workers, started)


def _in_worker_processes(
    todo: list[FileKey], model: str, workers: int, started: Started
) -> Iterator[dict[str, Any]]:
    """One file per worker at a time (so a kill loses at most `workers` files), results as they finish.
    Spawned, not forked: a fork would copy this process's torch threads and locks."""
    queue = iter(todo)
    pending: set[Future] = set()
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
    )

    def submit_next() -> None:
        key = next(queue, None)
        if key is not None:
            started(key)
            pending.add(pool.submit(caption_entry, key, model))

    try:
        for _ in range(workers):
            submit_next()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                pending.discard(future)
                yield future.result()  # a model that cannot run raises here, and the run stops
                submit_next()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker() -> None:
    single_threaded()
    _exit_with_parent()


def _exit_with_parent() -> None:
    """End this worker process within PARENT_CHECK_SECONDS of the run's death. A run killed outright
    (SIGKILL, the OOM killer) tells its workers nothing, and each would go on with its file, an hour of
    audio perhaps, for no one. Orphans are adopted by another process, so the parent's pid changes."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def single_threaded() -> None:
    """A worker's set-up, before torch is imported: one torch thread, so N workers share N cores."""
    os.environ["LPMC_TORCH_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    runtime.setup()


def _export(entry: dict[str, Any], folder: Path, out: Path, fmt: str) -> None:
    """Write the song's --format file from its line, unless it is there already (atomic: never half)."""
    if fmt == "jsonl" or "error" in entry:
        return
    target = export_folder(out, fmt) / (_under(folder, entry["file"]) + SUFFIXES[fmt])
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(export(entry, fmt), encoding="utf-8")
    os.replace(partial, target)


def _under(folder: Path, file: str) -> str:
    """The file's path under the folder, as the summary and the export folder name it."""
    return str(Path(file).relative_to(folder))
