"""Captioning speed, in seconds of compute per minute of audio (medians of repeated runs).

    python bench/captioning.py [--repeats 3] [--threads 2] [--baseline-threads 1] [--int8] [--skip-builtin]

(a) The built-in captioner: `lpmc.captioning.pipeline.caption_audio(model="builtin")` on a 3-minute synthetic
    song (decoding excluded: the audio is given as an array; taggers, descriptors and writing included).
(b) LP-MusicCaps at bart-base size with random weights: 6 chunks (60 s), beam 5, max_length 128. Ours
    (`LpMusicCaps.generate_ids`) against an upstream-style baseline on the same model and input: eager
    attention, torch.no_grad and transformers' `generate`, called as upstream's BartCaptionModel.generate
    does (plus the search settings transformers 4.26.1 took from the bart-base config, which 5.x no longer
    does). The ids must be identical. Random weights rarely emit EOS, so every row runs to max_length (the
    worst case). `--baseline-threads 1` also times the baseline with 1 thread, as upstream was measured.

OpenMP's waiting matters on a shared machine: libgomp spin-waits by default, and with other processes on the
cores that made both contenders 2-10x slower here (GOMP_SPINCOUNT=10000 still 2x). OMP_WAIT_POLICY=PASSIVE
sleeps at once: robust under contention, ~15% slower on an idle machine (every small op pays a wake-up).
This script sets PASSIVE unless the environment says otherwise, for both contenders, and prints it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when torch loads libgomp

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from transformers.modeling_outputs import BaseModelOutput  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lpmc.audio import CHUNK_SAMPLES, SAMPLE_RATE  # noqa: E402
from lpmc.captioning.lp_music_caps.checkpoint import build_model  # noqa: E402
from lpmc.captioning.lp_music_caps.model import LpMusicCaps  # noqa: E402
from lpmc.captioning.lp_music_caps.search import BOS_ID, DECODER_START_ID, EOS_ID  # noqa: E402

N_CHUNKS = 6  # 60 s of audio
NUM_BEAMS = 5
MAX_LENGTH = 128
BUILTIN_SECONDS = 180
BUILTIN_SAMPLE_RATE = 22050
# What transformers 4.26.1 read from the bart-base config when upstream called generate().
CONFIG_SEARCH_SETTINGS = {
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "forced_bos_token_id": BOS_ID,
    "forced_eos_token_id": EOS_ID,
    "length_penalty": 1.0,
}


def synthetic_song(seconds: float, sr: int, seed: int = 0) -> np.ndarray:
    """Deterministic music-like mono audio (n,): a chord progression of harmonic tones over a kick pattern."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    roots = 110.0 * 2 ** (np.array([0, 5, 7, 3]) / 12)
    root = roots[(t // 2).astype(int) % len(roots)]
    tones = sum(np.sin(2 * np.pi * root * ratio * h * t) / h for ratio in (1, 1.25, 1.5) for h in (1, 2, 3))
    beat_phase = (t * 2) % 1.0  # 120 BPM
    kick = np.sin(2 * np.pi * 60 * t) * np.exp(-beat_phase * 30)
    audio = 0.1 * tones + 0.5 * kick + 0.01 * rng.standard_normal(t.size)
    return (audio / np.abs(audio).max() * 0.8).astype(np.float32)


def upstream_generate(model: LpMusicCaps, chunks: torch.Tensor) -> torch.Tensor:
    """Upstream BartCaptionModel.generate (beam search branch), as captioning.py runs it under no_grad."""
    with torch.no_grad():
        audio_embs = model.audio_encoder(chunks)
        encoder_outputs = model.bart.model.encoder(input_ids=None, inputs_embeds=audio_embs, return_dict=True)
        start = torch.full((len(chunks), 1), DECODER_START_ID)
        return model.bart.generate(
            input_ids=None,
            attention_mask=None,
            decoder_input_ids=start,
            decoder_attention_mask=torch.ones_like(start),
            encoder_outputs=BaseModelOutput(last_hidden_state=encoder_outputs.last_hidden_state),
            max_length=MAX_LENGTH,
            min_length=2,
            num_beams=NUM_BEAMS,
            repetition_penalty=1.0,
            **CONFIG_SEARCH_SETTINGS,
        )


def timed(function, repeats: int) -> tuple[list[float], object]:
    """Wall times of `repeats` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def report(label: str, times: list[float], minutes: float) -> float:
    per_minute = statistics.median(times) / minutes
    runs = ", ".join(f"{t:.1f}" for t in times)
    print(f"  {label:<34} {per_minute:6.2f} s per minute of audio   (runs, s: {runs})")
    return per_minute


def bench_builtin(repeats: int) -> None:
    print(
        f"(a) built-in captioner, {BUILTIN_SECONDS // 60}-minute synthetic song at {BUILTIN_SAMPLE_RATE} Hz"
    )
    try:
        from lpmc.captioning.pipeline import caption_audio
    except ImportError as error:
        print(f"built-in captioner: not available yet ({error})")
        return
    audio = synthetic_song(BUILTIN_SECONDS, BUILTIN_SAMPLE_RATE, seed=1)
    start = time.perf_counter()
    result = caption_audio(audio, BUILTIN_SAMPLE_RATE, model="builtin")
    print(
        f"  first call (loads the models): {time.perf_counter() - start:.1f} s, {len(result.chunks)} chunks"
    )
    times, _ = timed(lambda: caption_audio(audio, BUILTIN_SAMPLE_RATE, model="builtin"), repeats)
    report("built-in captioner", times, BUILTIN_SECONDS / 60)


def bench_lp_music_caps(repeats: int, threads: int, baseline_threads: int | None, int8: bool) -> None:
    print(
        f"(b) LP-MusicCaps bart-base, random weights, {N_CHUNKS} chunks ({N_CHUNKS * 10} s), "
        f"beam {NUM_BEAMS}, max_length {MAX_LENGTH}, torch threads {threads}"
    )
    torch.manual_seed(0)
    model = build_model()
    song = synthetic_song(N_CHUNKS * CHUNK_SAMPLES / SAMPLE_RATE, SAMPLE_RATE)
    chunks = torch.from_numpy(song.reshape(N_CHUNKS, CHUNK_SAMPLES))
    minutes = N_CHUNKS * CHUNK_SAMPLES / SAMPLE_RATE / 60

    def baseline() -> torch.Tensor:
        model.bart.set_attn_implementation("eager")  # upstream (transformers 4.26.1) had no SDPA
        try:
            return upstream_generate(model, chunks)
        finally:
            model.bart.set_attn_implementation("sdpa")

    def ours() -> torch.Tensor:
        return model.generate_ids(chunks, num_beams=NUM_BEAMS, max_length=MAX_LENGTH)

    baseline_times, ours_times = [], []
    for _ in range(repeats):  # interleaved, so both see the same load from other processes
        times, reference = timed(baseline, 1)
        baseline_times += times
        times, ids = timed(ours, 1)
        ours_times += times
    identical = reference.shape == ids.shape and torch.equal(reference, ids)
    base = report("upstream-style (transformers generate)", baseline_times, minutes)
    fast = report("ours (LpMusicCaps.generate_ids)", ours_times, minutes)
    print(f"  speed-up: {base / fast:.2f}x   ids identical: {identical}   ids shape: {tuple(ids.shape)}")
    if baseline_threads:
        torch.set_num_threads(baseline_threads)
        times, _ = timed(baseline, max(1, repeats - 1))
        slow = report(f"upstream-style, {baseline_threads} thread(s)", times, minutes)
        print(f"  speed-up of ours ({threads} threads) over it: {slow / fast:.2f}x")
        torch.set_num_threads(threads)
    if int8:
        quantized = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
        times, int8_ids = timed(
            lambda: quantized.generate_ids(chunks, num_beams=NUM_BEAMS, max_length=MAX_LENGTH), repeats
        )
        report("ours, dynamic int8 Linear layers", times, minutes)
        width = min(ids.shape[1], int8_ids.shape[1])
        same = (int8_ids[:, :width] == ids[:, :width]).float().mean().item()
        print(f"  int8 ids identical: {torch.equal(int8_ids, ids)}   same token at same position: {same:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline-threads", type=int, default=None)
    parser.add_argument("--int8", action="store_true", help="also time dynamic int8 quantisation")
    parser.add_argument("--skip-builtin", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, "
        f"GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', '(unset)')}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if not args.skip_builtin:
        bench_builtin(args.repeats)
    bench_lp_music_caps(args.repeats, args.threads, args.baseline_threads, args.int8)


if __name__ == "__main__":
    main()
