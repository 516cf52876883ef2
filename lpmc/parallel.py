"""Independent pieces of torch work run side by side, one Python thread and one torch thread each.

Under OMP_WAIT_POLICY=PASSIVE (lpmc/runtime.py's default) every OpenMP parallel region costs a sleep and a
wake-up; two single-threaded workers on their own share of the work avoid that (bench/tagging.py: the
taggers' batches of windows of a song; LP-MusicCaps's search of a batch of chunks). With spinning OpenMP
threads (ACTIVE) synchronisation is cheap and the caller's idle OpenMP thread would spin on a core the
workers need, so then the work runs in one piece.
"""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import torch

from lpmc import runtime

In = TypeVar("In")
Out = TypeVar("Out")


def workers() -> int:
    """How many single-threaded workers to split work into (1: run it in one piece)."""
    return torch.get_num_threads() if runtime.passive_openmp() else 1


def map_single_threaded(function: Callable[[In], Out], inputs: Sequence[In]) -> list[Out]:
    """[function(x) for x in inputs] under inference_mode, on up to torch.get_num_threads() Python threads
    with 1 torch thread each; torch releases the GIL inside its ops, so they run at once. A single input,
    or none, or active OpenMP waiting, runs in the caller's thread with the caller's torch threads."""
    if len(inputs) <= 1 or workers() == 1:
        with torch.inference_mode():
            return [function(x) for x in inputs]
    threads = torch.get_num_threads()

    def run(x: In) -> Out:
        torch.set_num_threads(1)  # OpenMP's and MKL's thread counts are per thread
        with torch.inference_mode():  # grad mode is per thread too
            return function(x)

    try:
        with ThreadPoolExecutor(min(len(inputs), threads)) as pool:
            return list(pool.map(run, inputs))
    finally:
        torch.set_num_threads(threads)  # torch also keeps the count as the default of threads it meets later
