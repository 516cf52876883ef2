"""The user's own music library: tag every track once, store it in SQLite, recommend from it.

`index_folder` walks a folder, hears each audio file with the built-in captioner's taggers, and stores
path, size, mtime, duration, the artist and title of the file's own tags, tags, the tag document's
MiniLM vector, the song summary, the audio-content profile ("similar") and the MiniLM vector of summary
and tags ("search"). It is incremental (a file whose size and
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
from lpmc.recommend.file_tags import FileTags, read_file_tags
from lpmc.recommend.moods import mood_position
from lpmc.text.embedding import embed
from lpmc.vocabulary import tag_text

log = logging.getLogger(__name__)

# Whose tags become the track's tags: moods/themes from MTG-Jamendo, style (genres, instruments) from
# musicnn MTT. Every tagger of the built-in captioner adds to the profile and the summary.
FACET_TAGGERS = {"jamendo-moodtheme": "mood", "musicnn-mtt": "genre"}
TAGS_PER_MODEL = 8

SCHEMA_VERSION = 2  # PRAGMA user_version; 2 added artist, title, caption, profile and text_vector
SCHEMA = """
CREATE TABLE IF NOT EXISTS tracks (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    duration REAL NOT NULL,
    tags TEXT NOT NULL,          -- JSON {"mood": {tag: weight}, "genre": {tag: weight}}, weights in (0, 1]
    embedding BLOB NOT NULL,     -- float32 (384,) unit vector of the tag document
    indexed_at REAL NOT NULL,
    artist TEXT NOT NULL DEFAULT '',  -- from the file's own tags; '' when it has none
    title TEXT NOT NULL DEFAULT '',   -- likewise ('' : the file name is shown)
    caption TEXT NOT NULL DEFAULT '', -- the built-in captioner's song summary
    profile BLOB,                -- float32 (D,) song-level tag probabilities of every tagger (similar.py)
    text_vector BLOB             -- float32 (384,) unit vector of caption and tags (search.py)
);
CREATE TABLE IF NOT EXISTS skipped (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL
);
"""

# Columns version 2 added, for a database `lpmc index` wrote before (see `_migrate`).
ADDED_IN_2 = {
    "artist": "TEXT NOT NULL DEFAULT ''",
    "title": "TEXT NOT NULL DEFAULT ''",
    "caption": "TEXT NOT NULL DEFAULT ''",
    "profile": "BLOB",
    "text_vector": "BLOB",
}


@dataclass
class TrackReading:
    """What the index stores about a track's audio."""

    duration: float  # seconds
    tags: dict[str, dict[str, float]]  # {facet: {tag: weight in (0, 1]}}, facets "mood" and "genre"
    profile: np.ndarray  # (D,) float32 audio-content profile; the same D for every track of a library
    caption: str = ""


# A track tagger: audio file -> what is stored about its audio.
TrackTagger = Callable[[Path], TrackReading]


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
    _migrate(connection)
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring an index of an older schema to SCHEMA_VERSION: add the new columns, and mark the tracks that
    lack what they hold as changed, so this `lpmc index` run hears them again (resumably, like any run)."""
    if connection.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    present = {row[1] for row in connection.execute("PRAGMA table_info(tracks)")}
    with connection:
        for column, declaration in ADDED_IN_2.items():
            if column not in present:
                connection.execute(f"ALTER TABLE tracks ADD COLUMN {column} {declaration}")
        connection.execute("UPDATE tracks SET mtime_ns = -1 WHERE profile IS NULL")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


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
                reading = tagger(path)
            # Decoders can fail in their own ways on odd files; one bad file must not stop the walk.
            except (LpmcError, OSError, RuntimeError, ValueError) as error:
                reason = str(error) if isinstance(error, LpmcError) else f"{type(error).__name__}: {error}"
                log.warning("skipped %s: %s", path, reason)
                report.skipped.append((str(path), reason))
                _store_skipped(connection, str(path), stat.st_size, stat.st_mtime_ns, reason)
                continue
            _store_track(connection, str(path), stat.st_size, stat.st_mtime_ns, reading, read_file_tags(path))
            report.added += 1
    return report


def shipped_tagger() -> TrackTagger:
    """Hear files with the built-in captioner's taggers (loaded once): moods from MTG-Jamendo, style
    tags from musicnn MTT, the song summary, and every tagger's probabilities as the profile."""
    from lpmc.captioning.hearing import hear_song

    def tag_file(path: Path) -> TrackReading:
        heard = hear_song(path)
        facets: dict[str, dict[str, float]] = {"mood": {}, "genre": {}}
        for name, facet in FACET_TAGGERS.items():
            top = heard.tag_results[name].top(TAGS_PER_MODEL)
            peak = max(score for _, score in top) or 1.0
            facets[facet].update({tag: round(score / peak, 3) for tag, score in top})
        return TrackReading(heard.duration, facets, heard.profile(), heard.summary())

    return tag_file


def load_library(name: str | None = None) -> Catalog:
    """The library `name` (None: the first) as a Catalog (title and artist from the file's tags, else
    the file name and "", link = path)."""
    with closing(open_library(name)) as connection:
        rows = connection.execute("SELECT path, tags, embedding FROM tracks ORDER BY path").fetchall()
        names = _names(connection)
    facets = [json.loads(tags) for _, tags, _ in rows]
    tag_facet = {tag: facet for song in facets for facet, tags in song.items() for tag in tags}
    phrases = [tag_phrase(tag, facet) for tag, facet in tag_facet.items()]
    phrase_vectors = embed_words(phrases)
    positions = [mood_position(song.get("mood", {})) for song in facets]
    return Catalog(
        name="library",
        titles=[names[path][1] for path, _, _ in rows],
        artists=[names[path][0] for path, _, _ in rows],
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


@dataclass
class LibraryTracks:
    """A library's tracks as `similar` and `search` compare them, in path order."""

    name: str  # the library's name
    paths: list[str]
    artists: list[str]  # "" when the file's tags name none
    titles: list[str]
    tags: list[list[str]]  # strongest first
    captions: list[str]
    profiles: np.ndarray  # (N, D) float32 audio-content profiles
    text_vectors: np.ndarray  # (N, 384) float32 unit rows

    def __len__(self) -> int:
        return len(self.paths)


def read_tracks(name: str | None = None) -> LibraryTracks:
    """The tracks of the library `name` (None: the first) that `lpmc index` heard for similar and search.
    InputError when there are none: an empty library, or one indexed before schema 2 and not since."""
    name = name or library_names()[0]
    with closing(open_library(name)) as connection:
        current = connection.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION
        query = (
            "SELECT path, artist, title, tags, caption, profile, text_vector FROM tracks "
            "WHERE profile IS NOT NULL ORDER BY path"
        )
        rows = connection.execute(query).fetchall() if current else []
    if not rows:
        raise InputError(
            f"The library '{name}' has no tracks to compare yet; run `python -m lpmc index DIR --library "
            f"{name}` (it also brings an index made by an older lpmc up to date)."
        )
    return LibraryTracks(
        name=name,
        paths=[row[0] for row in rows],
        artists=[row[1] for row in rows],
        titles=[row[2] or Path(row[0]).stem for row in rows],
        tags=[ranked_tags(json.loads(row[3])) for row in rows],
        captions=[row[4] for row in rows],
        profiles=np.stack([np.frombuffer(row[5], dtype=np.float32) for row in rows]),
        text_vectors=np.stack([np.frombuffer(row[6], dtype=np.float32) for row in rows]),
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


def _names(connection: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """path -> (artist, title) as shown: the file's tags, else "" and the file name. An index from before
    schema 2 has no such columns until `lpmc index` runs again: "" and file names meanwhile."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(tracks)")}
    if not {"artist", "title"} <= columns:
        return {path: ("", Path(path).stem) for (path,) in connection.execute("SELECT path FROM tracks")}
    rows = connection.execute("SELECT path, artist, title FROM tracks")
    return {path: (artist, title or Path(path).stem) for path, artist, title in rows}


def search_document(caption: str, tags: list[str]) -> str:
    """The text a track is found by in `lpmc search`: its summary and its tags."""
    return f"{caption} Tags: {', '.join(tag_text(tag) for tag in tags)}."


def _store_track(
    connection: sqlite3.Connection,
    path: str,
    size: int,
    mtime_ns: int,
    reading: TrackReading,
    names: FileTags,
) -> None:
    tags = reading.tags
    phrases = sorted({tag_phrase(t, facet) for facet, ts in tags.items() for t in ts})
    vector = song_vectors([tags], dict(zip(phrases, embed_words(phrases), strict=True)))[0]
    text_vector = embed([search_document(reading.caption, ranked_tags(tags))])[0]
    row = {
        "path": path,
        "size": size,
        "mtime_ns": mtime_ns,
        "duration": reading.duration,
        "tags": json.dumps(tags),
        "embedding": vector.astype(np.float32).tobytes(),
        "indexed_at": time.time(),
        "artist": names.artist,
        "title": names.title,
        "caption": reading.caption,
        "profile": np.asarray(reading.profile, dtype=np.float32).tobytes(),
        "text_vector": text_vector.astype(np.float32).tobytes(),
    }
    with connection:  # one transaction per track: committed whole, or not at all
        connection.execute("DELETE FROM skipped WHERE path = ?", (path,))
        connection.execute(
            f"INSERT OR REPLACE INTO tracks ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
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
