"""What a music file says about itself: the artist and title in its own tags (ID3, Vorbis comments, MP4
atoms, RIFF INFO), read with FFmpeg (PyAV). A file without them gets "" (the library then shows the file
name, and caps no artist: a folder name is not an artist, and a flat folder of songs must not count as
one artist's work).
"""

from dataclasses import dataclass
from pathlib import Path

ARTIST_KEYS = ("artist", "album_artist", "albumartist", "performer")
TITLE_KEYS = ("title",)
MAX_CHARS = 200  # a tag longer than this is cut: it is shown in tables, and tags can hold anything


@dataclass(frozen=True)
class FileTags:
    artist: str = ""
    title: str = ""


def read_file_tags(path: str | Path) -> FileTags:
    """The file's artist and title tags ("" for each it lacks, or when the file has no readable tags)."""
    import av

    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError):
        return FileTags()
    with container:
        # Ogg keeps its tags on the stream, other containers on the container; the container's win.
        sources = [stream.metadata for stream in container.streams.audio] + [container.metadata]
    found = {key.lower(): value for source in sources for key, value in source.items()}
    return FileTags(_first(found, ARTIST_KEYS), _first(found, TITLE_KEYS))


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = " ".join(str(found.get(key, "")).split())
        if value:
            return value[:MAX_CHARS]
    return ""
