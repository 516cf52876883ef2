"""Captioning a folder: a kill at any moment loses nothing finished, writes nothing twice or by half."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from lpmc.captioning import batch
from lpmc.captioning.batch import caption_folder, export_folder
from lpmc.captioning.journal import Journal
from lpmc.errors import InputError
from tests.conftest import PROJECT_DIR

SR = 22_050
CLIPS = 8
RUN_LIMIT = 300  # seconds: a bound on a hang, not a speed check
SRT_TIME = re.compile(r"(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})")
VTT_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})")


def clip(seconds: float, bpm: float) -> np.ndarray:
    """A click track over a chord: something the taggers and the tempo measurement hear."""
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) * 0.1
    clicks = np.sin(2 * np.pi * 1000 * t) * np.exp(-200 * (t % (60 / bpm))) * 0.4
    return (chord + clicks).astype(np.float32)


@pytest.fixture(scope="module")
def music(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("music")
    (folder / "disc 2").mkdir()
    for i in range(CLIPS):
        where = folder / "disc 2" if i % 3 == 0 else folder
        soundfile.write(where / f"track {i}.wav", clip(4.0 + i % 3 * 4, 80 + 10 * i), SR)
    (folder / "broken.mp3").write_text("not audio at all")
    (folder / "cover.jpg").write_bytes(b"not music: ignored")
    return folder


def run_cli(*argv: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lpmc", "caption", *argv],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def lines(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]  # every line valid JSON


def by_file(entries: list[dict]) -> dict[str, dict]:
    files = [entry["file"] for entry in entries]
    assert len(files) == len(set(files)), "a file was written twice"
    return {entry["file"]: entry for entry in entries}


@pytest.fixture(scope="module")
def uninterrupted(music, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("whole") / "captions.jsonl"
    process = run_cli(str(music), "--out", str(out), "--workers", "2")
    stdout, stderr = process.communicate(timeout=RUN_LIMIT)
    assert process.returncode == 2, stderr  # 2: one file is unreadable
    assert "8 files captioned, 0 already in captions.jsonl, 1 unreadable" in stdout
    assert "broken.mp3: 'broken.mp3' is not a readable audio file" in stdout
    return by_file(lines(out))


def test_a_killed_run_resumes_to_the_same_captions(music, tmp_path, uninterrupted):
    out = tmp_path / "captions.jsonl"
    process = run_cli(str(music), "--out", str(out), start_new_session=True)
    deadline = time.monotonic() + RUN_LIMIT
    while not (out.exists() and out.read_bytes().count(b"\n") >= 1):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the whole process group, as a closed terminal does
    process.wait()
    survived = by_file(lines(out) if out.read_bytes().endswith(b"\n") else [])
    assert 1 <= len(survived) < CLIPS + 1  # killed mid-run
    resumed = run_cli(str(music), "--out", str(out))
    stdout, stderr = resumed.communicate(timeout=RUN_LIMIT)
    assert f"{len(survived)} already in captions.jsonl" in stdout, stderr
    assert by_file(lines(out)) == uninterrupted  # same files, same captions, none twice
    again = run_cli(str(music), "--out", str(out))
    assert "0 files captioned, 9 already" in again.communicate(timeout=RUN_LIMIT)[0]


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie nobody has reaped yet is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> set[int]:
    """The processes `pid` started, from any of its threads (Linux /proc)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")
def test_workers_stop_within_seconds_of_their_run_being_killed(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    for i in range(2):  # five minutes each: a single-threaded worker is busy with one for well over 10 s
        soundfile.write(folder / f"long {i}.wav", np.tile(clip(10.0, 90 + 20 * i), 30), SR)
    process = run_cli(
        str(folder), "--out", str(tmp_path / "c.jsonl"), "--workers", "2", start_new_session=True
    )
    try:
        deadline = time.monotonic() + RUN_LIMIT
        while len(workers := children(process.pid)) < 2:
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.1)
        time.sleep(8)  # the workers load their models and start on their files
        assert all(running(worker) for worker in workers)
        process.kill()  # the run only, as the OOM killer would: its workers are told nothing
        process.wait()
        time.sleep(3 * batch.PARENT_CHECK_SECONDS)
        assert not any(running(worker) for worker in workers)
    finally:
        with contextlib.suppress(ProcessLookupError):  # what is left of the run, if the test failed
            os.killpg(process.pid, signal.SIGKILL)


def test_a_half_written_last_line_is_cut_and_its_file_captioned(music, tmp_path, uninterrupted):
    out = tmp_path / "captions.jsonl"
    whole = json.dumps(uninterrupted[str(music / "track 1.wav")], ensure_ascii=False) + "\n"
    second = json.dumps(uninterrupted[str(music / "track 2.wav")], ensure_ascii=False)
    out.write_text(whole + second[: len(second) // 2], encoding="utf-8")  # killed while writing line 2
    report = caption_folder(music, out, progress=False)
    assert (report.captioned, report.already) == (CLIPS - 1, 1)
    assert by_file(lines(out)) == uninterrupted


def test_unreadable_files_are_recorded_and_retried_only_when_changed(tmp_path):
    folder, out = tmp_path / "music", tmp_path / "captions.jsonl"
    folder.mkdir()
    (folder / "song.mp3").write_text("not audio yet")
    first = caption_folder(folder, out, progress=False)
    assert (
        first.unreadable == [("song.mp3", lines(out)[0]["error"])]
        and "not a readable audio" in first.summary()
    )
    second = caption_folder(folder, out, progress=False)
    assert (second.captioned, second.already, len(second.unreadable)) == (0, 1, 1)  # not tried again
    soundfile.write(folder / "song.mp3", clip(3.0, 100), SR, format="WAV")  # fixed: a new version
    third = caption_folder(folder, out, progress=False)
    assert (third.captioned, third.unreadable) == (1, [])
    assert "error" in lines(out)[0] and lines(out)[1]["chunks"]  # the new line supersedes the old


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_subtitles_parse_and_cover_each_whole_song(music, tmp_path, uninterrupted, fmt):
    out = tmp_path / "captions.jsonl"
    caption_folder(music, out, fmt=fmt, progress=False)
    folder = export_folder(out, fmt)
    written = sorted(str(path.relative_to(folder)) for path in folder.rglob(f"*.{fmt}"))
    assert written == sorted(
        f"{Path(f).relative_to(music)}.{fmt}" for f, e in uninterrupted.items() if "error" not in e
    )
    pattern = SRT_TIME if fmt == "srt" else VTT_TIME
    for entry in lines(out):
        if "error" in entry:
            continue
        text = (folder / f"{Path(entry['file']).relative_to(music)}.{fmt}").read_text(encoding="utf-8")
        assert text.startswith("1\n" if fmt == "srt" else "WEBVTT\n\n")
        cues = [_seconds(match.groups()) for match in pattern.finditer(text)]
        assert cues[0][0] == 0.0 and cues[-1][1] == pytest.approx(entry["duration"], abs=0.001)
        assert all(end == next_start for (_, end), (next_start, _) in zip(cues, cues[1:], strict=False))
        assert len(cues) == len(entry["chunks"])


def test_a_file_that_is_not_a_caption_journal_is_refused_untouched(music, tmp_path):
    theirs = tmp_path / "notes.txt"
    theirs.write_text("my notes\nthe last line has no newline")
    with pytest.raises(InputError, match="Line 1 of 'notes.txt' is not a caption line lpmc wrote"):
        caption_folder(music, theirs, progress=False)
    partial = tmp_path / "partial.txt"
    partial.write_text("one line without its newline")
    with pytest.raises(InputError, match="Line 1 of 'partial.txt'"):
        Journal(partial)
    assert theirs.read_text() == "my notes\nthe last line has no newline"
    assert partial.read_text() == "one line without its newline"


def test_bad_options_get_a_sentence(music, tmp_path):
    with pytest.raises(InputError, match="is not a folder"):
        caption_folder(tmp_path / "nowhere", tmp_path / "c.jsonl", progress=False)
    with pytest.raises(InputError, match="--workers must be at least 1"):
        caption_folder(music, tmp_path / "c.jsonl", workers=0, progress=False)
    with pytest.raises(InputError, match="Unknown audio-captioning model 'nope'"):
        caption_folder(music, tmp_path / "c.jsonl", model="nope", progress=False)
    process = run_cli(str(music / "track 1.wav"), "--workers", "2")
    assert "are for a folder: DIR --out FILE.jsonl" in process.communicate(timeout=RUN_LIMIT)[1]
    process = run_cli(str(music))
    assert "python -m lpmc caption DIR --out captions.jsonl" in process.communicate(timeout=RUN_LIMIT)[1]


def _seconds(groups: tuple[str, ...]) -> tuple[float, float]:
    h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, groups)
    return h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
