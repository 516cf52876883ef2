"""Describe a playlist: hear every song once, find what they share (profile.py), and write a blurb with
the tags -> caption backends (an LLM when one is configured, else the built-in writer, in the "playlist"
style) and a title made of the shared mood, style and instrument.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lpmc.captioning.batch import FILE_ERRORS
from lpmc.errors import InputError
from lpmc.playlist.profile import PlaylistProfile, SongProfile, playlist_profile, song_profile
from lpmc.playlist.sources import playlist_songs
from lpmc.tasks import AUTO
from lpmc.text.caption import Caption, tags_to_caption

PLAYLIST_STYLE = "playlist"
TITLE_WORDS = 3
# Called with each song as it is heard (for a progress bar).
OnSong = Callable[[Path], None] | None


@dataclass
class PlaylistDescription:
    title: str
    blurb: Caption
    profile: PlaylistProfile
    songs: list[SongProfile]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (song or entry, why)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "blurb": self.blurb.text,
            "written_by": self.blurb.backend,
            "note": self.blurb.note,
            "profile": self.profile.to_dict(),
            "songs": [asdict(song) for song in self.songs],
            "skipped": [list(pair) for pair in self.skipped],
        }


def describe_playlist(
    paths: list[str | Path], backend: str = AUTO, on_song: OnSong = None
) -> PlaylistDescription:
    """Describe the songs of `paths` (audio files, folders, .m3u/.m3u8 playlists). Songs that cannot be
    heard are skipped, with why; InputError when none can."""
    songs, skipped = playlist_songs(paths)
    profiles = []
    for path in songs:
        if on_song:
            on_song(path)
        try:
            profiles.append(hear(path))
        except FILE_ERRORS as error:
            skipped.append((path.name, str(error) if isinstance(error, InputError) else type(error).__name__))
    if not profiles:
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped[:3]) or "nothing was given"
        raise InputError(f"No song of the playlist could be heard ({reasons}).")
    profile = playlist_profile(profiles)
    blurb = tags_to_caption(profile.tags(), style=PLAYLIST_STYLE, backend=backend)
    return PlaylistDescription(suggest_title(profile), blurb, profile, profiles, skipped)


def hear(path: Path) -> SongProfile:
    from lpmc.captioning.hearing import hear_song

    return song_profile(path.name, hear_song(path))


def suggest_title(profile: PlaylistProfile) -> str:
    """'Calm Ambient Piano': the most shared mood, style and instrument; 'Mix' completes a short one."""
    words = [kind[0][0] for kind in (profile.moods, profile.genres, profile.instruments) if kind]
    unique = list(dict.fromkeys(" ".join(words).split()))[:TITLE_WORDS]
    if len(unique) < 2:
        unique.append("Mix")
    return " ".join(word[:1].upper() + word[1:] for word in unique)
