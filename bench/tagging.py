"""Tagger speed and memory on a 3-minute song, torch threads = 2 (medians of repeated runs).

    python bench/tagging.py [--audio SONG] [--repeats 3] [--threads 2]

Each model runs in its own process so its peak RSS is its own. "CPU s" is the process's CPU time
(all threads): on a machine shared with other jobs it shows the work done better than wall time.
"all 5" decodes the file and runs every tagger through `tag_many`, which resamples once per rate and
computes each shared mel once; "library" does the same with the library index's taggers (the built-in
captioner's: musicnn MTT and MSD, Jamendo).
End to end, as a user waits: `python -m lpmc index DIR` in a fresh process (start, imports, taggers and the
word embedder loaded, decoding, tagging, the database written) on a folder of 1 song, then of 3 (the
seconds each song after the first adds).
Without --audio the song is the shipped example looped to 3:00 (OGG Vorbis, 44.1 kHz stereo).
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PROJECT_DIR, looped_example, machine_line, run_timed

sys.path.insert(0, str(PROJECT_DIR))

from lpmc import runtime  # noqa: E402

runtime.setup()  # as the entry points do, before torch loads: OpenMP reads its wait policy then

from lpmc import audio as lpmc_audio  # noqa: E402
from lpmc import registry  # noqa: E402
from lpmc.captioning import builtin  # noqa: E402
from lpmc.tagging import load_tagger  # noqa: E402
from lpmc.tagging.tagger import tag_many  # noqa: E402

TAGGER_NAMES = registry.names("tagging")
# Run through tag_many, decoding included; the library index hears songs with the captioner's taggers.
GROUPS = {"all": TAGGER_NAMES, "library": builtin.taggers()}
INDEX_SONGS = 3


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
    names = GROUPS.get(model, (model,))
    taggers = [load_tagger(name) for name in names]
    samples, sr = lpmc_audio.decode_audio(song)
    if model in GROUPS:  # decoding and resampling counted
        wall, cpu = timed(lambda: tag_many(taggers, *lpmc_audio.decode_audio(song)), repeats)
    else:
        wall, cpu = timed(lambda: taggers[0].tag(samples, sr), repeats)
    return {"wall": wall, "cpu": cpu, "minutes": samples.size / sr / 60, "peak_rss_mb": peak_rss_mb()}


def bench_index(song: Path, folder: Path, repeats: int) -> None:
    """`python -m lpmc index DIR` end to end on 1 song, then on INDEX_SONGS (each into a new database)."""
    walls = {}
    for count in (1, INDEX_SONGS):
        music = folder / f"music_{count}"
        music.mkdir()
        for i in range(count):
            (music / f"song_{i}{song.suffix}").symlink_to(song.resolve())
        runs = []
        for run in range(repeats):
            database = folder / f"index_{count}_{run}.sqlite"
            command = [sys.executable, "-m", "lpmc", "index", str(music)]
            runs.append(run_timed(command, LPMC_LIBRARY_DB=str(database))[:2])
        walls[count] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    (one, one_cpu), (many, many_cpu) = walls[1], walls[INDEX_SONGS]
    later = INDEX_SONGS - 1
    print(
        f"end to end, python -m lpmc index DIR: 1 song {one:.2f} s wall ({one_cpu:.2f} s CPU); "
        f"each song after the first {(many - one) / later:.2f} s wall "
        f"({(many_cpu - one_cpu) / later:.2f} s CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio", type=Path, help="a song to use instead of the looped 3-minute example")
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
        song = args.audio or looped_example(Path(folder))
        print(machine_line())
        print(f"input: {song.name}, torch threads {args.threads}, median of {args.repeats} runs")
        print(f"{'model':<26}{'seconds':>9}{'s per min audio':>17}{'CPU s':>8}{'peak RSS MB':>13}")
        labels = {"all": "all 5 (+decode)", "library": "library index (+decode)"}
        for model in (*TAGGER_NAMES, *GROUPS):
            command = [sys.executable, __file__, "--child", model, "--audio", str(song)]
            command += ["--repeats", str(args.repeats), "--threads", str(args.threads)]
            row = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            per_minute = row["wall"] / row["minutes"]
            print(
                f"{labels.get(model, model):<26}{row['wall']:>9.2f}{per_minute:>17.2f}{row['cpu']:>8.2f}"
                f"{row['peak_rss_mb']:>13.0f}"
            )
        bench_index(song, Path(folder), args.repeats)


if __name__ == "__main__":
    main()
