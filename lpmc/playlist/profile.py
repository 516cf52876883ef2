"""One song as a playlist description sees it, and what a playlist's songs share.

A song's styles, instruments, voices and moods are the tags the built-in captioner hears over much of it
(analysis.song_level_tags, the words its summary uses); its tempo is the measured one, when the pulse is
clear. What the songs share is counted in songs: "calm 60%" means calm is heard over much of 60% of them.
Variety is the mean Jaccard distance between two songs' tag sets: 0 when every song has the same tags,
1 when no two share one.
"""

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import combinations
from statistics import median
from typing import Any

from lpmc.captioning import descriptors as measure
from lpmc.captioning.hearing import HeardSong
from lpmc.captioning.vocabulary import part_tags, style_tags, vocal_tags

SHARED_SHARE = 1 / 3  # a mood, style or instrument of at least this share of the songs is named
MOST_NAMED = 3  # of each kind
INSTRUMENTAL_BELOW = 1 / 3  # fewer songs with voices than this: an instrumental playlist
VOCAL_FROM = 2 / 3  # at least this share with voices: a playlist of singing
# Variety below the first bound reads "cohesive", below the second "varied", else "eclectic". Measured
# (bench/playlist_variety.py, 5 songs each): one game soundtrack 0.58 (a metal band) to 0.69 (electronic),
# 0.87 for a soundtrack of many styles; 5 songs drawn across four soundtracks, median 0.84 (0.71-0.88).
VARIETY_WORDS = ((0.6, "cohesive"), (0.78, "varied"), (1.01, "eclectic"))


@dataclass(frozen=True)
class SongProfile:
    name: str  # the file name
    genres: tuple[str, ...]
    instruments: tuple[str, ...]
    voices: tuple[str, ...]  # "female vocals", "choir"...; () when none is heard
    moods: tuple[str, ...]
    tempo_bpm: float | None  # None when the pulse is not clear

    @property
    def tags(self) -> frozenset[str]:
        return frozenset((*self.genres, *self.instruments, *self.voices, *self.moods))


@dataclass
class PlaylistProfile:
    songs: int
    moods: list[tuple[str, float]]  # (mood, share of the songs), most shared first
    genres: list[tuple[str, float]]
    instruments: list[tuple[str, float]]
    voices: list[tuple[str, float]]
    vocal_share: float  # share of the songs with a voice heard
    tempo: tuple[float, float, float] | None  # lowest, median and highest BPM of the songs with a pulse
    tempo_songs: int  # songs with a clear pulse
    variety: float  # 0 (same tags) .. 1 (nothing shared)

    @property
    def variety_word(self) -> str:
        return next(word for bound, word in VARIETY_WORDS if self.variety < bound)

    def tags(self) -> list[str]:
        """What the songs share, as tags for the playlist blurb."""
        tags = [mood for mood, _ in self.moods] + [genre for genre, _ in self.genres]
        tags += [instrument for instrument, _ in self.instruments]
        if self.vocal_share < INSTRUMENTAL_BELOW:
            tags.append("instrumental")
        elif self.vocal_share >= VOCAL_FROM and self.voices:
            tags.append(self.voices[0][0])
        if self.tempo and self.tempo_songs * 2 >= self.songs:
            tags.append(_tempo_tag(self.tempo[1]))
        return tags or [self.variety_word]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "variety_word": self.variety_word}


def song_profile(name: str, heard: HeardSong) -> SongProfile:
    analysis = heard.analysis
    moods_heard = {mood for chunk in analysis.chunks for mood in chunk.moods}
    tags = analysis.song_tags
    song = analysis.song
    clear = measure.tempo_word(song.tempo_bpm, song.tempo_clarity) is not None
    return SongProfile(
        name=name,
        genres=tuple(tag for tag in tags if tag in style_tags()),
        instruments=tuple(tag for tag in tags if tag in part_tags() - vocal_tags()),
        voices=tuple(tag for tag in tags if tag in vocal_tags()),
        moods=tuple(tag for tag in tags if tag in moods_heard),
        tempo_bpm=round(float(song.tempo_bpm), 1) if clear else None,
    )


def playlist_profile(songs: list[SongProfile]) -> PlaylistProfile:
    """What `songs` (at least one) share."""
    tempos = sorted(song.tempo_bpm for song in songs if song.tempo_bpm is not None)
    return PlaylistProfile(
        songs=len(songs),
        moods=_shared([song.moods for song in songs]),
        genres=_shared([song.genres for song in songs]),
        instruments=_shared([song.instruments for song in songs]),
        voices=_shared([song.voices for song in songs]),
        vocal_share=round(sum(bool(song.voices) for song in songs) / len(songs), 3),
        tempo=(tempos[0], median(tempos), tempos[-1]) if tempos else None,
        tempo_songs=len(tempos),
        variety=round(_variety([song.tags for song in songs]), 3),
    )


def _shared(per_song: list[tuple[str, ...]]) -> list[tuple[str, float]]:
    """The tags of at least SHARED_SHARE of the songs, most shared first (ties: first heard first)."""
    counts = Counter(tag for tags in per_song for tag in set(tags))
    first_heard: dict[str, int] = {}
    for tag in (tag for tags in per_song for tag in tags):
        first_heard.setdefault(tag, len(first_heard))
    ranked = sorted(counts, key=lambda tag: (-counts[tag], first_heard[tag]))
    shares = [(tag, round(counts[tag] / len(per_song), 3)) for tag in ranked]
    return [(tag, share) for tag, share in shares if share >= SHARED_SHARE][:MOST_NAMED]


def _variety(tag_sets: list[frozenset[str]]) -> float:
    pairs = list(combinations(tag_sets, 2))
    if not pairs:
        return 0.0
    return sum(1 - len(a & b) / len(a | b) if a | b else 0.0 for a, b in pairs) / len(pairs)


def _tempo_tag(bpm: float) -> str:
    if bpm < measure.SLOW_BPM:
        return "slow tempo"
    if bpm > measure.FAST_BPM:
        return "fast tempo"
    return "medium tempo"
