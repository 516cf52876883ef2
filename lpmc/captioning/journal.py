"""The JSON-lines file a batch run appends one finished song to at a time, and resumes from.

A kill at any moment must lose at most the songs in flight, never write a song twice, and never leave a
line half written. So every finished song is one line, written with one write and fsynced before the
next; a kill during that write leaves a partial last line without its newline, which `Journal` cuts
when it opens the file again. Songs are known by their file's path, size and modification time: a
file that changed since its line was written is captioned again, and its new line supersedes the old.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lpmc.errors import InputError

log = logging.getLogger(__name__)

KEY_FIELDS = ("file", "size", "mtime_ns")
LINE_START = b'{"file": '  # every line starts so (json.dumps of an entry whose first key is "file")


@dataclass(frozen=True)
class FileKey:
    """Which version of a file a line is about."""

    file: str  # the path, as the batch run lists it
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> "FileKey":
        stat = path.stat()
        return cls(str(path), stat.st_size, stat.st_mtime_ns)

    def fields(self) -> dict[str, Any]:
        return {"file": self.file, "size": self.size, "mtime_ns": self.mtime_ns}


class Journal:
    """An append-only JSON-lines file of finished songs: {"file", "size", "mtime_ns", ...} per line."""

    def __init__(self, path: Path):
        self.path = path
        self.latest: dict[str, dict[str, Any]] = {}  # file -> its last line
        for entry in read_lines(path):
            self.latest[entry["file"]] = entry

    def done(self, key: FileKey) -> bool:
        """Whether this version of the file already has a line."""
        entry = self.latest.get(key.file)
        return entry is not None and (entry["size"], entry["mtime_ns"]) == (key.size, key.mtime_ns)

    def append(self, entry: dict[str, Any]) -> None:
        """Write `entry` as one line and make sure it is on disk before returning."""
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        created = not self.path.exists()
        with self.path.open("ab") as file:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())
        if created:  # the new file's name must survive a crash too
            _fsync_folder(self.path.parent)
        self.latest[entry["file"]] = entry


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every complete line of a journal, after cutting a partial last line left by a kill. A file that
    is not a journal is refused and left as it is."""
    if not path.exists():
        return []
    if not path.is_file():
        raise InputError(f"'{path.name}' is not a file; give --out a file name such as captions.jsonl.")
    data = path.read_bytes()
    complete = data.rfind(b"\n") + 1
    entries = [_entry(path, number, line) for number, line in enumerate(data[:complete].splitlines(), 1)]
    tail = data[complete:]
    if tail.strip():
        last = _parsed(tail)
        if last is not None:  # a whole line that only lacks its newline (written by hand, say): keep it
            entries.append(last)
            _write_at(path, complete, tail + b"\n")
        elif LINE_START.startswith(tail[: len(LINE_START)]):
            log.warning(
                "%s: cut a half-written last line (%d bytes) left by an interrupted run", path, len(tail)
            )
            _write_at(path, complete, b"")
        else:  # not the start of a line lpmc writes: someone else's file, which must not be cut
            _entry(path, len(entries) + 1, tail)
    return [entry for entry in entries if entry is not None]


def _entry(path: Path, number: int, line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    entry = _parsed(line)
    if entry is None:
        raise InputError(
            f"Line {number} of '{path.name}' is not a caption line lpmc wrote; give --out a new file "
            "name, or the file an earlier `lpmc caption DIR --out` run wrote to resume it."
        )
    return entry


def _parsed(line: bytes) -> dict[str, Any] | None:
    """The line's object when it is a journal line, else None."""
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or not all(field in entry for field in KEY_FIELDS):
        return None
    return entry


def _write_at(path: Path, offset: int, data: bytes) -> None:
    """Replace everything from `offset` on with `data`, durably."""
    with path.open("r+b") as file:
        file.truncate(offset)
        file.seek(offset)
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
