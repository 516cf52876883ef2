"""The songs of a playlist as a user names them: audio files, folders (every audio file under them) and
.m3u/.m3u8 playlists, whose entries are paths relative to the playlist file (or absolute). Each song
counts once, in the order first named; what cannot be a song is listed with the reason.
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

from lpmc.audio import AUDIO_EXTENSIONS, audio_files

PLAYLIST_EXTENSIONS = (".m3u", ".m3u8")


def playlist_songs(paths: list[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """(the songs, in order, each once; [(what was named, why it is not a song)])."""
    songs: dict[Path, None] = {}
    problems: list[tuple[str, str]] = []
    for named in paths:
        path = Path(named).expanduser()
        if path.is_dir():
            found = audio_files(path)
            if not found:
                problems.append((str(named), "the folder holds no audio files"))
            songs.update(dict.fromkeys(p.resolve() for p in found))
        elif path.suffix.lower() in PLAYLIST_EXTENSIONS and path.is_file():
            entries, unusable = read_m3u(path)
            songs.update(dict.fromkeys(entries))
            problems += unusable
        elif not path.is_file():
            problems.append((str(named), "not found"))
        elif path.suffix.lower() not in AUDIO_EXTENSIONS:
            problems.append((str(named), f"not an audio file or a playlist ({path.suffix or 'no suffix'})"))
        else:
            songs[path.resolve()] = None
    return list(songs), problems


def read_m3u(playlist: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The entries of an M3U playlist that are files here, and the others with why. Lines starting with
    '#' are comments or #EXTINF data; file:// addresses are paths. .m3u8 is UTF-8, and so is a plain .m3u
    when it decodes as such, else Latin-1."""
    data = playlist.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    entries, problems = [], []
    for line in text.splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("file://"):
            entry = unquote(urlparse(entry).path)
        elif "://" in entry:
            problems.append((entry, "a stream or web address, not a file here"))
            continue
        # Playlists written on Windows separate folders with backslashes.
        path = (playlist.parent / Path(entry.replace("\\", "/")).expanduser()).resolve()
        if path.is_file():
            entries.append(path)
        else:
            problems.append((entry, f"listed in {playlist.name}, not found"))
    return entries, problems
