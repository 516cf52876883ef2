"""Captions as JSON, CSV, SRT and WebVTT: files that parse back to the same chunks and cover the song."""

import csv
import io
import json
import re

import pytest

from lpmc.captioning.export import FORMATS, export

SONG = {
    "file": "song.ogg",
    "model": "builtin-captioner",
    "duration": 3725.5,
    "chunks": [
        {"start": 0.0, "end": 10.0, "text": "A calm piano piece.", "tags": ["piano", "calm"]},
        {"start": 10.0, "end": 20.0, "text": "Strings come in;\nthe mood --> warmer.", "tags": ["strings"]},
        {"start": 3720.0, "end": 3725.5, "text": "Silence.", "tags": []},
    ],
    "summary": "A calm piano piece with strings.",
    "note": "",
    "warnings": [],
}
SRT_CUE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n([^\n]+)\n")
VTT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n([^\n]+)\n")


def seconds(h, m, s, ms) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_srt_has_one_numbered_cue_per_chunk_covering_the_song():
    text = export(SONG, "srt")
    cues = SRT_CUE.findall(text)
    assert [int(cue[0]) for cue in cues] == [1, 2, 3]
    assert [(seconds(*cue[1:5]), seconds(*cue[5:9])) for cue in cues] == [(0, 10), (10, 20), (3720, 3725.5)]
    assert cues[1][9] == "Strings come in; the mood → warmer."  # one line, no arrow inside a cue
    assert "".join(m.group(0) for m in SRT_CUE.finditer(text)).replace("\n", "") == text.replace("\n", "")


def test_vtt_has_the_header_and_one_cue_per_chunk():
    text = export(SONG, "vtt")
    assert text.startswith("WEBVTT\n\n")
    cues = VTT_CUE.findall(text)
    assert [(seconds(*cue[0:4]), seconds(*cue[4:8])) for cue in cues] == [(0, 10), (10, 20), (3720, 3725.5)]
    assert [cue[8] for cue in cues][0] == "A calm piano piece."


def test_csv_and_json_read_back():
    rows = list(csv.DictReader(io.StringIO(export(SONG, "csv"))))
    assert [row["caption"] for row in rows] == [chunk["text"] for chunk in SONG["chunks"]]
    assert rows[0]["tags"] == "piano; calm" and rows[2]["end"] == "3725.5"
    assert json.loads(export(SONG, "json")) == SONG


@pytest.mark.parametrize("fmt", FORMATS)
def test_untrusted_caption_text_stays_text(fmt):
    song = {**SONG, "chunks": [{"start": 0.0, "end": 5.0, "text": '<script>x</script>, "q"', "tags": []}]}
    assert "<script>x</script>" in export(song, fmt)  # written as text; whoever shows it escapes it
