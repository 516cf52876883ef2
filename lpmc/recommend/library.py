"""The user's own music library: tag every track once, store it in SQLite, recommend from it.

`index_folder` walks a folder, tags each audio file with the shipped taggers, and stores path, size,
mtime, duration, tags and the tag document's MiniLM vector. It is incremental (a file whose size and
mtime are unchanged is skipped), commits after every track (so Ctrl-C or a crash loses at most the
track in progress, and a rerun resumes without duplicates), and records unreadable files with the
reason instead of stopping. The database uses WAL mode, so the app can read while indexing runs.

Which databases exist is a server setting (LPMC_LIBRARY_DB, see `settings.library_dbs`): the app names a
library, never a path, and opens it read-only, so it can neither change a database nor be pointed at a
file of someone else's. Only `lpmc index` writes (and creates) one.
"""

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lpmc import settings
from lpmc.audio import audio_files
from lpmc.errors import InputError, LpmcError
from lpmc.recommend.catalog import Catalog, embed_words, song_vectors, tag_phrase
from lpmc.recommend.moods import mood_position

log = logging.getLogger(__name__)

LIBRARY_TAGGERS = ("musicnn-mtt", "jamendo-moodtheme")
MOOD_TAGGERS = ("jamendo-moodtheme",)  # whose tags are moods/themes; the others describe style
TAGS_PER_MODEL = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS tracks (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    duration REAL NOT NULL,
    tags TEXT NOT NULL,          -- JSON {"mood": {tag: weight}, "genre": {tag: weight}}, weights in (0, 1]
    embedding BLOB NOT NULL,     -- float32 (384,) unit vector of the tag document
    indexed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS skipped (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL
);
"""

# A track tagger: audio file -> (duration in seconds, {facet: {tag: weight}}).
TrackTagger = Callable[[Path], tuple[float, dict[str, dict[str, float]]]]


@dataclass
class IndexReport:
    added: int = 0
    unchanged: int = 0
    removed: int = 0  # rows of files that no longer exist
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def summary(self) -> str:
        return (
            f"{self.added} tracks indexed, {self.unchanged} unchanged, {len(self.skipped)} skipped, "
            f"{self.removed} removed"
        )


def library_names() -> list[str]:
    """The libraries this server offers (LPMC_LIBRARY_DB), in the order configured; the first is the
    one used when none is named."""
    return list(settings.library_dbs())


def library_path(name: str | None = None) -> Path:
    """Where the library `name` (None: the first) lives. For `lpmc index` and the server's log only:
    paths are never shown to the app's users."""
    libraries = settings.library_dbs()
    name = name or next(iter(libraries))
    if name not in libraries:
        raise InputError(f"There is no library named '{name}'; choose one of: {', '.join(libraries)}.")
    return libraries[name]


def open_library(name: str | None = None) -> sqlite3.Connection:
    """The library `name` (None: the first), opened read-only. InputError when it has not been indexed;
    the message is the same whether the file is missing, unreadable or not lpmc's, and names no path."""
    name = name or library_names()[0]
    path = library_path(name)
    connection = None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        connection.execute("SELECT path, tags, embedding FROM tracks LIMIT 1")  # the file holds an index
    except sqlite3.Error as error:
        if connection is not None:
            connection.close()
        log.warning("library '%s' (%s) cannot be read: %s", name, path, error)
        raise InputError(
            f"The library '{name}' has not been indexed yet; run `python -m lpmc index DIR --library {name}`."
        ) from None
    return connection


def connect(db_path: Path) -> sqlite3.Connection:
    """Open (or create) an index for writing: `lpmc index` only; the app uses `open_library`."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(SCHEMA)
    return connection


def index_folder(
    folder: str | Path,
    library: str | None = None,
    tagger: TrackTagger | None = None,
    progress: bool = True,
) -> IndexReport:
    """Tag every new or changed audio file under `folder` into the library `library` (None: the first
    of LPMC_LIBRARY_DB), creating its database if needed."""
    from tqdm import tqdm

    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise InputError(f"'{folder}' is not a folder; give the folder that holds your music.")
    db_path = library_path(library)  # an unknown name fails here, before the taggers load
    tagger = tagger or shipped_tagger()
    report = IndexReport()
    files = audio_files(folder)
    with closing(connect(db_path)) as connection:
        report.removed = _remove_missing(connection, folder, {str(p) for p in files})
        for path in tqdm(files, desc="indexing", unit="track", disable=not progress):
            stat = path.stat()
            if _is_current(connection, str(path), stat.st_size, stat.st_mtime_ns):
                report.unchanged += 1
                continue
            try:
                duration, tags = tagger(path)
            # Decoders can fail in their own ways on odd files; one bad file must not stop the walk.
            except (LpmcError, OSError, RuntimeError, ValueError) as error:
                reason = str(error) if isinstance(error, LpmcError) else f"{type(error).__name__}: {error}"
                log.warning("skipped %s: %s", path, reason)
                report.skipped.append((str(path), reason))
                _store_skipped(connection, str(path), stat.st_size, stat.st_mtime_ns, reason)
                continue
            _store_track(connection, str(path), stat.st_size, stat.st_mtime_ns, duration, tags)
            report.added += 1
    return report


def shipped_tagger() -> TrackTagger:
    """Tag files with LIBRARY_TAGGERS (loaded once): style tags from musicnn, moods from MTG-Jamendo."""
    from lpmc.audio import decode_audio
    from lpmc.tagging import load_tagger
    from lpmc.tagging.tagger import tag_many

    taggers = [load_tagger(name) for name in LIBRARY_TAGGERS]

    def tag_file(path: Path) -> tuple[float, dict[str, dict[str, float]]]:
        audio, sr = decode_audio(path)
        facets: dict[str, dict[str, float]] = {"mood": {}, "genre": {}}
        for result in tag_many(taggers, audio, sr):
            facet = facets["mood" if result.model in MOOD_TAGGERS else "genre"]
            top = result.top(TAGS_PER_MODEL)
            peak = max(score for _, score in top) or 1.0
            facet.update({tag: round(score / peak, 3) for tag, score in top})
        return audio.size / sr, facets

    return tag_file


def load_library(name: str | None = None) -> Catalog:
    """The library `name` (None: the first) as a Catalog (title = file name, artist = folder name,
    link = path)."""
    with closing(open_library(name)) as connection:
        rows = connection.execute("SELECT path, tags, embedding FROM tracks ORDER BY path").fetchall()
    facets = [json.loads(tags) for _, tags, _ in rows]
    tag_facet = {tag: facet for song in facets for facet, tags in song.items() for tag in tags}
    phrases = [tag_phrase(tag, facet) for tag, facet in tag_facet.items()]
    phrase_vectors = embed_words(phrases)
    positions = [mood_position(song.get("mood", {})) for song in facets]
    return Catalog(
        name="library",
        titles=[Path(path).stem for path, _, _ in rows],
        artists=[Path(path).parent.name for path, _, _ in rows],
        tags=[ranked_tags(song) for song in facets],
        derived_moods=[{} for _ in rows],
        links=[path for path, _, _ in rows],
        link_kind="path",
        listens=np.zeros(len(rows)),
        positions=np.array([p if p else (np.nan, np.nan) for p in positions], dtype=np.float64).reshape(
            -1, 2
        ),
        vectors=np.stack([np.frombuffer(blob, dtype=np.float32) for _, _, blob in rows]) if rows else None,
        tag_vectors=dict(zip(tag_facet, phrase_vectors, strict=True)),
        credit="Your own music library.",
    )


def is_indexed(name: str | None, track: str) -> bool:
    """Whether `track` is a file `lpmc index` recorded in the library `name` (the app plays only those)."""
    try:
        connection = open_library(name)
    except InputError:
        return False
    with closing(connection):
        return connection.execute("SELECT 1 FROM tracks WHERE path = ?", (track,)).fetchone() is not None


def ranked_tags(facets: dict[str, dict[str, float]]) -> list[str]:
    """All of a track's tags, strongest first."""
    weights: dict[str, float] = {}
    for tags in facets.values():
        for tag, weight in tags.items():
            weights[tag] = max(weight, weights.get(tag, 0.0))
    return sorted(weights, key=lambda tag: -weights[tag])


def _is_current(connection: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> bool:
    for table in ("tracks", "skipped"):
        row = connection.execute(f"SELECT size, mtime_ns FROM {table} WHERE path = ?", (path,)).fetchone()
        if row == (size, mtime_ns):
            return True
    return False


def _store_track(
    connection: sqlite3.Connection, path: str, size: int, mtime_ns: int, duration: float, tags: dict
) -> None:
    phrases = sorted({tag_phrase(t, facet) for facet, ts in tags.items() for t in ts})
    vector = song_vectors([tags], dict(zip(phrases, embed_words(phrases), strict=True)))[0]
    with connection:  # one transaction per track: committed whole, or not at all
        connection.execute("DELETE FROM skipped WHERE path = ?", (path,))
        connection.execute(
            "INSERT OR REPLACE INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                path,
                size,
                mtime_ns,
                duration,
                json.dumps(tags),
                vector.astype(np.float32).tobytes(),
                time.time(),
            ),
        )


def _store_skipped(connection: sqlite3.Connection, path: str, size: int, mtime_ns: int, reason: str) -> None:
    with connection:
        connection.execute("DELETE FROM tracks WHERE path = ?", (path,))
        connection.execute(
            "INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?)", (path, size, mtime_ns, reason)
        )


def _remove_missing(connection: sqlite3.Connection, folder: Path, present: set[str]) -> int:
    """Forget files under `folder` that are gone; returns how many tracks were removed."""
    prefix = str(folder) + "/"
    removed = 0
    with connection:
        for table in ("tracks", "skipped"):
            paths = [p for (p,) in connection.execute(f"SELECT path FROM {table}") if p.startswith(prefix)]
            gone = [(p,) for p in paths if p not in present]
            connection.executemany(f"DELETE FROM {table} WHERE path = ?", gone)
            removed += len(gone) if table == "tracks" else 0
    return removed
