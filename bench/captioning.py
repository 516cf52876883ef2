"""Captioning speed as a user waits for it, and LP-MusicCaps against upstream's generate, in one run.

    python bench/captioning.py [--repeats 3] [--stages] [--skip-builtin] [--skip-lp]
                               [--policies PASSIVE,ACTIVE] [--isa native,avx2] [--int8]

(a) The built-in captioner on a real recording: the shipped example (assets/examples/caribbean_excerpt.ogg,
    25 s of a Caribbean band) looped to 3:00 and saved as OGG Vorbis, 44.1 kHz stereo.
    - end to end: `python -m lpmc caption SONG --model builtin --json` in a fresh process (process start,
      imports, model load, decoding, taggers, descriptors, writing), median wall and CPU seconds;
    - batch: `python -m lpmc caption SONG SONG SONG ...`, the seconds each song after the first adds;
    - `--stages`: a fresh process calls the pipeline's steps in the pipeline's order and times each.
(b) LP-MusicCaps at bart-base size with random weights: 6 chunks (60 s), beam 5, max_length 128. Ours
    (`LpMusicCaps.generate_ids`) against an upstream-style baseline on the same model and input: eager
    attention, torch.no_grad and transformers' `generate`, called as upstream's BartCaptionModel.generate
    does (plus the search settings transformers 4.26.1 took from the bart-base config, which 5.x no longer
    does). The ids must be identical. Random weights rarely emit EOS, so every row runs to max_length (the
    worst case). OpenMP reads its wait policy when torch loads, so each policy runs in its own process;
    in it the two contenders alternate, so both see the same load from other processes.
    `--isa avx2` also runs each policy with oneDNN, ATen and MKL limited to AVX2 (their environment
    variables, read when torch loads): on an AVX-512 CPU that emulates an AVX2-only one, for both
    contenders. The child reports the kernels ATen actually picked.

Wall times depend on what else runs on the cores (the load average is printed); CPU seconds (all threads)
show the work done.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PROJECT_DIR, SONG_SECONDS, looped_example, machine_line, run_timed, vector_isa

N_CHUNKS = 6  # 60 s of audio
NUM_BEAMS = 5
MAX_LENGTH = 128
BATCH_SONGS = 3
# What limits oneDNN (our Linear layers), ATen (everything else) and MKL (upstream's Linear layers) to AVX2.
AVX2_LIMITS = {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
# What transformers 4.26.1 read from the bart-base config when upstream called generate().
CONFIG_SEARCH_SETTINGS = {
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
    "length_penalty": 1.0,
}


def caption_command(*songs: Path) -> list[str]:
    return [sys.executable, "-m", "lpmc", "caption", *map(str, songs), "--model", "builtin", "--json"]


def median_runs(runs: list[tuple[float, float, str]]) -> tuple[float, float]:
    return statistics.median(run[0] for run in runs), statistics.median(run[1] for run in runs)


def bench_builtin(song: Path, repeats: int) -> None:
    print(f"(a) built-in captioner, {song.name} (the shipped example looped to {SONG_SECONDS // 60}:00)")
    single = [run_timed(caption_command(song)) for _ in range(repeats)]
    wall, cpu = median_runs(single)
    print(f"  end to end, python -m lpmc caption (median of {repeats}): {wall:.2f} s wall, {cpu:.2f} s CPU")
    batch = [run_timed(caption_command(*[song] * BATCH_SONGS)) for _ in range(repeats)]
    batch_wall, batch_cpu = median_runs(batch)
    print(
        f"  batch of {BATCH_SONGS}: {batch_wall:.2f} s wall; each song after the first "
        f"{(batch_wall - wall) / (BATCH_SONGS - 1):.2f} s wall, "
        f"{(batch_cpu - cpu) / (BATCH_SONGS - 1):.2f} s CPU"
    )


def bench_stages(song: Path) -> None:
    """Per-stage wall and CPU seconds of one caption, the first stage counted from the process's start."""
    spawned = time.time()
    _, _, out = run_timed([sys.executable, __file__, "--stages-child", str(song)])
    print(f"  stages (one fresh process; {'wall':>6} {'CPU':>6} seconds)")
    previous = spawned
    for name, at, cpu in json.loads(out):
        print(f"    {name:<44} {at - previous:6.2f} {cpu:6.2f}")
        previous = at
    print(f"    {'total':<44} {previous - spawned:6.2f}")


def stages_child(song: Path) -> None:
    """The pipeline's steps for `python -m lpmc caption SONG --model builtin`, in its order, each timed:
    the taggers hear the song block by block as the captions reach it, so the first row has its own stage."""
    marks, cpu_before = [], 0.0

    def mark(name: str) -> None:
        nonlocal cpu_before
        cpu = time.process_time()
        marks.append((name, time.time(), cpu - cpu_before))
        cpu_before = cpu

    sys.path.insert(0, str(PROJECT_DIR))
    from lpmc import runtime

    runtime.setup()
    from lpmc.audio import SAMPLE_RATE, chunk_bounds, decode_for_listening

    # As the CLI does: the file is decoded and resampled in a thread while torch loads.
    decoding = ThreadPoolExecutor(1).submit(decode_for_listening, song)
    from lpmc.captioning import builtin, pipeline
    from lpmc.captioning.analysis import analyse_song
    from lpmc.tagging import load_tagger
    from lpmc.tagging.tagger import SongTagging

    mark("process start, imports (decoding meanwhile)")
    captioner, _ = pipeline.load_captioner("builtin")
    taggers = [load_tagger(name) for name in builtin.taggers()]
    mark("model load")
    decoded = decoding.result()
    mark(f"rest of decoding, resampling to {SAMPLE_RATE} Hz")
    audio = decoded.samples
    tagging = SongTagging(taggers, audio, SAMPLE_RATE)
    mark("taggers' resampling and mel spectrograms")

    def until(seconds: float) -> dict:
        return {found.model: found for found in tagging.results_until(seconds)}

    analysis = analyse_song(audio, SAMPLE_RATE, chunk_bounds(decoded.duration), until)
    mark("descriptors of every chunk, song tempo and key")
    rows = captioner.caption_chunks(audio, analysis, 1)
    next(rows)
    mark("first row (first block tagged, chunk 0 written)")
    list(rows)
    mark("every other row (the rest tagged and written)")
    builtin.BuiltinCaptioner().summary(analysis)
    mark("summary")
    print(json.dumps(marks))


def isa_label(isa: str) -> str:
    """What `isa` means on this CPU, said plainly."""
    if isa == "native":
        return f"native ({vector_isa()})"
    if vector_isa().startswith("AVX-512"):
        return "AVX2 emulated by ISA limits on an AVX-512 CPU"
    return "AVX2 limits (this CPU has no AVX-512: same as native)"


def bench_lp_music_caps(repeats: int, policies: list[str], isas: list[str], int8: bool) -> None:
    print(
        f"(b) LP-MusicCaps bart-base, random weights, {N_CHUNKS} chunks ({N_CHUNKS * 10} s), "
        f"beam {NUM_BEAMS}, max_length {MAX_LENGTH}, torch threads 2; median of {repeats} alternating runs"
    )
    for isa in isas:
        limits = AVX2_LIMITS if isa == "avx2" else {}
        print(f"  {isa_label(isa)}" + "".join(f" {name}={value}" for name, value in limits.items()))
        for policy in policies:
            command = [sys.executable, __file__, "--lp-child", "--repeats", str(repeats)] + ["--int8"] * int8
            _, _, out = run_timed(command, OMP_WAIT_POLICY=policy, **limits)
            found = json.loads(out)
            upstream, ours = statistics.median(found["upstream"]), statistics.median(found["ours"])
            print(
                f"    OMP_WAIT_POLICY={policy:<7} upstream-style generate {upstream:6.2f} s, "
                f"ours {ours:6.2f} s: {upstream / ours:.2f}x, ids identical: {found['identical']}   "
                f"(CPU s: upstream {statistics.median(found['upstream_cpu']):.1f}, ours "
                f"{statistics.median(found['ours_cpu']):.1f}; load {found['load']:.1f}; "
                f"ATen kernels {found['aten_isa']})"
            )
            print(
                f"      floor: the search's Linear layers alone, {found['linear_steps']} steps of 30 rows "
                f"(oneDNN, packed, 2 threads): {found['linear_floor']:.2f} s; 3x upstream needs "
                f"<= {upstream / 3:.2f} s for everything"
            )
            if int8:
                print(f"      ours with dynamic int8 Linear layers: {found['int8']}")


def lp_child(repeats: int, int8: bool) -> None:
    """Runs with OMP_WAIT_POLICY already set (torch is imported here): upstream and ours, alternating."""
    import torch

    sys.path.insert(0, str(PROJECT_DIR))
    from lpmc.audio import CHUNK_SAMPLES
    from lpmc.captioning.lp_music_caps.checkpoint import build_model

    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = build_model()
    chunks = torch.randn(N_CHUNKS, CHUNK_SAMPLES, generator=torch.Generator().manual_seed(1)) * 0.1

    def ours() -> torch.Tensor:
        return model.generate_ids(chunks, num_beams=NUM_BEAMS, max_length=MAX_LENGTH)

    contenders = {"upstream": lambda: upstream_generate(model, chunks), "ours": ours}
    found, ids = {}, {}
    for _ in range(repeats):
        for name, function in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            ids[name] = function()
            found.setdefault(name, []).append(time.perf_counter() - wall)
            found.setdefault(name + "_cpu", []).append(time.process_time() - cpu)
    found["identical"] = torch.equal(ids["upstream"], ids["ours"])
    found["linear_steps"] = MAX_LENGTH - 3
    found["linear_floor"] = linear_floor(model, found["linear_steps"], repeats)
    found["load"] = os.getloadavg()[0]
    found["aten_isa"] = torch.backends.cpu.get_cpu_capability()
    if int8:
        found["int8"] = int8_agreement(model, chunks, ids["ours"])
    print(json.dumps(found))


def linear_floor(model, steps: int, repeats: int) -> float:
    """Seconds the search's matrix products take alone, done the fastest way lpmc has (one pass of all 30
    rows over packed weights): a step's decoder Linear layers and lm_head (median of `repeats`, at least
    5), times the steps that project onto the vocabulary (the first and last tokens are forced). Nothing
    else of a search is counted."""
    import torch

    layers = model.bart.model.decoder.layers
    once_per_chunk = {p for layer in layers for p in (layer.encoder_attn.k_proj, layer.encoder_attn.v_proj)}
    with torch.inference_mode():
        packed_linears = model.packed_decoder_linears().items()
        linears = [(module, linear) for module, linear in packed_linears if module not in once_per_chunk]
        rows = N_CHUNKS * NUM_BEAMS
        inputs = {module: torch.randn(rows, module.in_features) for module, _ in linears}

        def one_step() -> float:
            start = time.perf_counter()
            for module, linear in linears:
                linear(inputs[module])
            return time.perf_counter() - start

        one_step()
        return statistics.median(one_step() for _ in range(max(5, repeats))) * steps


def upstream_generate(model, chunks):
    """Upstream BartCaptionModel.generate (beam search branch), as captioning.py runs it under no_grad,
    with eager attention (transformers 4.26.1 had no SDPA)."""
    import torch
    from transformers.modeling_outputs import BaseModelOutput

    model.bart.set_attn_implementation("eager")
    try:
        with torch.no_grad():
            audio_embs = model.audio_encoder(chunks)
            encoder_outputs = model.bart.model.encoder(inputs_embeds=audio_embs, return_dict=True)
            start = torch.full((len(chunks), 1), model.bart.config.decoder_start_token_id)
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
    finally:
        model.bart.set_attn_implementation("sdpa")


def int8_agreement(model, chunks, ids) -> str:
    """Seconds and id agreement of dynamically quantised int8 Linear layers (not a mode lpmc offers)."""
    import torch

    quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    start = time.perf_counter()
    int8_ids = quantized.generate_ids(chunks, num_beams=NUM_BEAMS, max_length=MAX_LENGTH)
    seconds = time.perf_counter() - start
    width = min(ids.shape[1], int8_ids.shape[1])
    same = (int8_ids[:, :width] == ids[:, :width]).float().mean().item()
    identical = torch.equal(int8_ids, ids)
    return f"{seconds:.2f} s, ids identical {identical}, same token at same position {same:.0%}"


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="also time each stage of (a)")
    parser.add_argument("--skip-builtin", action="store_true")
    parser.add_argument("--skip-lp", action="store_true")
    parser.add_argument("--policies", default="PASSIVE,ACTIVE", help="OpenMP wait policies to time (b) under")
    parser.add_argument(
        "--isa", default="native", help="instruction sets to time (b) with: native, avx2 or native,avx2"
    )
    parser.add_argument("--int8", action="store_true", help="also time dynamic int8 quantisation in (b)")
    parser.add_argument("--stages-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lp-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages_child:
        return stages_child(args.stages_child)
    if args.lp_child:
        return lp_child(args.repeats, args.int8)
    print(machine_line())
    if not args.skip_builtin:
        with tempfile.TemporaryDirectory() as folder:
            song = looped_example(Path(folder))
            bench_builtin(song, args.repeats)
            if args.stages:
                bench_stages(song)
    if not args.skip_lp:
        isas = args.isa.split(",")
        if not set(isas) <= {"native", "avx2"}:
            parser.error(f"--isa takes native, avx2 or both; got {args.isa}")
        bench_lp_music_caps(args.repeats, args.policies.split(","), isas, args.int8)


if __name__ == "__main__":
    main()
