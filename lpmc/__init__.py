"""lpmc: a music-captioning studio (tags → caption, audio → caption, image → music)."""

import os

# OpenMP threads that spin while waiting made beam search 2-10x slower on a busy 2-core machine
# (bench/captioning.py); it only takes effect if set before torch is imported, hence here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
