"""What the benchmarks share: the machine they ran on, a real 3-minute recording, timing fresh processes."""

import os
import resource
import subprocess
import time
from pathlib import Path

import numpy as np
import soundfile

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT_DIR / "assets" / "examples" / "caribbean_excerpt.ogg"
SONG_SECONDS = 180
WRITE_BLOCK_FRAMES = 1 << 15  # libsndfile's Vorbis encoder crashed when given 3 minutes in one call


def cpu_model() -> str:
    return _cpuinfo("model name") or "unknown CPU"


def vector_isa() -> str:
    """The widest vector instructions the CPU offers to oneDNN and MKL (what the speed-ups depend on)."""
    flags = set(_cpuinfo("flags").split())
    if "avx512f" in flags:
        return "AVX-512" + (" with BF16" if "avx512_bf16" in flags else "")
    return "AVX2" if "avx2" in flags else "no AVX2"


def machine_line() -> str:
    return (
        f"CPU: {cpu_model()} ({vector_isa()}), {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} (other processes share these cores: compare within a run)"
    )


def _cpuinfo(key: str) -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return ""


def looped_example(folder: Path, seconds: float = SONG_SECONDS) -> Path:
    """The shipped 25 s recording (Caribbean band, CC BY-SA) looped to `seconds` and saved as OGG Vorbis,
    the way a user's song arrives: stereo, 44.1 kHz, compressed. Same bytes every time."""
    samples, sr = soundfile.read(EXAMPLE, dtype="float32", always_2d=True)
    looped = np.resize(samples, (int(seconds * sr), samples.shape[1]))
    path = folder / f"caribbean_looped_{int(seconds)}s.ogg"
    with soundfile.SoundFile(path, "w", sr, samples.shape[1], format="OGG", subtype="VORBIS") as file:
        for start in range(0, len(looped), WRITE_BLOCK_FRAMES):
            file.write(looped[start : start + WRITE_BLOCK_FRAMES])
    return path


def run_timed(command: list[str], **env: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its threads, stdout) of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, done.stdout
