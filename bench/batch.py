"""Files per minute of `python -m lpmc caption DIR --out FILE` with 1 and 2 workers and on a local Ray.

    python bench/batch.py [--clips 24] [--seconds 30] [--model builtin]

Writes a folder of generated clips (tests/synth_music.py: five styles), then captions it from scratch
with each configuration in a fresh process, as a user runs it: start-up, model loading and (for Ray)
starting a local Ray with 2 CPUs are included; "after the first file" leaves them out (the rate from the
first line written to the last). Prints wall time and files per minute.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from tests.synth_music import STYLES, write_song  # noqa: E402

POLL_SECONDS = 0.05
CONFIGS = {
    "workers 1": ["--workers", "1"],
    "workers 2": ["--workers", "2"],
    "Ray, 2 CPUs": ["--backend", "ray", "--workers", "2"],
}


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def write_clips(folder: Path, clips: int, seconds: float) -> None:
    for i in range(clips):
        style = STYLES[i % len(STYLES)]
        write_song(folder / f"{i:03d} {style}.flac", style, seconds, seed=i)


def time_captioning(folder: Path, out: Path, model: str, options: list[str]) -> tuple[float, float]:
    """(seconds until the run ends, seconds from its first line to its last), the file polled as it grows."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "lpmc", "caption", str(folder), "--out", str(out), "--model", model]
    process = subprocess.Popen(
        command + options, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    first = None
    while process.poll() is None:
        if first is None and out.exists() and out.stat().st_size:
            first = time.perf_counter()
        time.sleep(POLL_SECONDS)
    if process.returncode:
        raise SystemExit(f"{' '.join(command + options)} failed ({process.returncode})")
    end = time.perf_counter()
    return end - start, end - (first or end)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--model", default="builtin")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"CPU: {cpu_model()}; Python {platform.python_version()}; load average {load} (other jobs slow it)")
    print(f"{args.clips} clips of {args.seconds:g} s, model {args.model}, start-up included")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "music"
        folder.mkdir()
        write_clips(folder, args.clips, args.seconds)
        for name, options in CONFIGS.items():
            out = Path(tmp) / f"{name.replace(' ', '_').replace(',', '')}.jsonl"
            wall, steady = time_captioning(folder, out, args.model, options)
            print(
                f"{name:<12} {wall:6.1f} s, {args.clips / wall * 60:5.1f} files per minute; after the first "
                f"file: {(args.clips - 1) / steady * 60:5.1f} files per minute"
            )


if __name__ == "__main__":
    main()
