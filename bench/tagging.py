"""Tagger speed and memory on a 3-minute song, torch threads = 2 (medians of repeated runs).

    python bench/tagging.py [--audio SONG] [--repeats 3] [--threads 2]

Each model runs in its own process so its peak RSS is its own. "CPU s" is the process's CPU time
(all threads): on a machine shared with other jobs it shows the work done better than wall time.
"all 5" decodes the file and runs every tagger through `tag_many`, which resamples once per rate and
computes each shared mel once.
Without --audio a 3-minute stereo 44.1 kHz MP3 is synthesised (chords, a beat, noise).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from lpmc import audio as lpmc_audio  # noqa: E402
from lpmc import registry  # noqa: E402
from lpmc.tagging import load_tagger  # noqa: E402
from lpmc.tagging.tagger import tag_many  # noqa: E402

TAGGER_NAMES = registry.names("tagging")

SONG_SECONDS = 180.0
SR = 44_100


def synthesise_song(path: Path) -> Path:
    """3 minutes of stereo music-like audio: a chord progression, a kick on every beat, some hiss."""
    t = np.arange(int(SONG_SECONDS * SR)) / SR
    roots = np.array([220.0, 174.6, 261.6, 196.0])[(t // 2.0).astype(int) % 4]
    chords = sum(np.sin(2 * np.pi * roots * ratio * t) for ratio in (1.0, 1.26, 1.5)) / 6
    kick = np.sin(2 * np.pi * 60 * t) * np.exp(-((t % 0.5) * 30))
    hiss = np.random.default_rng(0).normal(0, 0.02, t.size)
    left, right = chords + 0.5 * kick + hiss, 0.9 * chords + 0.5 * kick - hiss
    soundfile.write(path, np.stack([left, right], axis=1).astype(np.float32), SR)
    return path


def timed(function, repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (all threads) of `function()`."""
    function()  # warm-up (allocations, kernels)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(song: Path, model: str, repeats: int) -> dict:
    """Runs in a child process: median seconds and this process's peak RSS."""
    names = TAGGER_NAMES if model == "all" else (model,)
    taggers = [load_tagger(name) for name in names]
    samples, sr = lpmc_audio.decode_audio(song)
    if model == "all":  # decoding and resampling counted
        wall, cpu = timed(lambda: tag_many(taggers, *lpmc_audio.decode_audio(song)), repeats)
    else:
        wall, cpu = timed(lambda: taggers[0].tag(samples, sr), repeats)
    return {"wall": wall, "cpu": cpu, "minutes": samples.size / sr / 60, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, help="a song to use instead of the synthetic 3-minute one")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import torch

        torch.set_num_threads(args.threads)
        print(json.dumps(measure(args.audio, args.child, args.repeats)))
        return

    with tempfile.TemporaryDirectory() as folder:
        song = args.audio or synthesise_song(Path(folder) / "song.mp3")
        print(f"input: {song.name}, torch threads {args.threads}, median of {args.repeats} runs, 1-min load "
              f"average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"{'model':<20}{'seconds':>9}{'s per min audio':>17}{'CPU s':>8}{'peak RSS MB':>13}")
        for model in (*TAGGER_NAMES, "all"):
            command = [sys.executable, __file__, "--child", model, "--audio", str(song)]
            command += ["--repeats", str(args.repeats), "--threads", str(args.threads)]
            row = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            label = "all 5 (+decode)" if model == "all" else model
            per_minute = row["wall"] / row["minutes"]
            print(
                f"{label:<20}{row['wall']:>9.2f}{per_minute:>17.2f}{row['cpu']:>8.2f}{row['peak_rss_mb']:>13.0f}"
            )


if __name__ == "__main__":
    main()
