"""Process-wide set-up, done once by the entry points (app.py, `python -m lpmc`), never at import.

OpenMP reads its wait policy when torch loads libgomp, so `setup()` must run before torch is imported.
Torch's thread count is set in one place, `apply_torch_threads`, which the registry calls when it loads a
model (so commands that never touch torch never import it).
"""

import os

from lpmc import settings

# Spinning OpenMP threads made beam search 2-10x slower on a busy 2-core machine (bench/captioning.py);
# passive waiting costs about 10% on a quiet one. A bounded spin (GOMP_SPINCOUNT=20000, no wait policy)
# was no middle way: LP-MusicCaps took 4.2 s instead of 5.0 s on a quiet machine but 22-29 s instead of
# 13-15 s with four busy processes on the 2 cores. A user's own OMP_WAIT_POLICY wins.
DEFAULT_OMP_WAIT_POLICY = "PASSIVE"


def setup() -> None:
    """Environment defaults lpmc runs best with; call first thing in a process."""
    os.environ.setdefault("OMP_WAIT_POLICY", DEFAULT_OMP_WAIT_POLICY)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def passive_openmp() -> bool:
    """Whether OpenMP threads sleep while waiting (then independent torch work is split into workers)."""
    return os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE"


def apply_torch_threads() -> None:
    """Set torch's thread count from LPMC_TORCH_THREADS, when a count is set (0: torch's default)."""
    threads = settings.torch_threads()
    if threads > 0:
        import torch

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
