"""A captioned song as files people and players read: JSON, CSV (one row per chunk), SRT and WebVTT.

Input is `SongCaption.to_dict()` (plain data, so a batch run can write the same files from its JSON lines
without the models). Times are the chunk bounds in seconds; subtitles get one cue per chunk.
"""

import csv
import io
import json
from typing import Any

FORMATS = ("json", "csv", "srt", "vtt")
CSV_COLUMNS = ("file", "start", "end", "caption", "tags", "model")
SUFFIXES = {"json": ".json", "csv": ".csv", "srt": ".srt", "vtt": ".vtt"}


def to_json(song: dict[str, Any]) -> str:
    """The whole result, as `python -m lpmc caption --json` prints one file's entry."""
    return json.dumps(song, ensure_ascii=False, indent=1)


def to_csv(song: dict[str, Any]) -> str:
    """One row per chunk: file, start and end (seconds), caption, tags (joined by "; "), model."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for chunk in song["chunks"]:
        tags = "; ".join(chunk["tags"])
        writer.writerow([song["file"], chunk["start"], chunk["end"], chunk["text"], tags, song["model"]])
    return out.getvalue()


def to_srt(song: dict[str, Any]) -> str:
    """SubRip: numbered cues "HH:MM:SS,mmm --> HH:MM:SS,mmm", a blank line between cues."""
    return "\n".join(f"{number}\n{cue}" for number, cue in enumerate(_cues(song, ","), 1))


def to_vtt(song: dict[str, Any]) -> str:
    """WebVTT: the "WEBVTT" header, then cues "HH:MM:SS.mmm --> HH:MM:SS.mmm"."""
    return "\n".join(["WEBVTT\n", *_cues(song, ".")])


def _cues(song: dict[str, Any], decimal_mark: str) -> list[str]:
    """One "start --> end\ntext\n" cue per chunk, milliseconds after `decimal_mark`."""
    return [
        f"{_clock(chunk['start'], decimal_mark)} --> {_clock(chunk['end'], decimal_mark)}\n"
        f"{_one_line(chunk['text'])}\n"
        for chunk in song["chunks"]
    ]


WRITERS = {"json": to_json, "csv": to_csv, "srt": to_srt, "vtt": to_vtt}


def export(song: dict[str, Any], fmt: str) -> str:
    """The song in format `fmt` (one of FORMATS)."""
    return WRITERS[fmt](song)


def _clock(seconds: float, decimal_mark: str) -> str:
    milliseconds = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_mark}{millis:03d}"


def _one_line(text: str) -> str:
    """Cue text on one line: a blank line would end the cue, and "-->" would read as a timing line."""
    return " ".join(text.split()).replace("-->", "→")
