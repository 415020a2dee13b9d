"""How many cores this process may use: ``$BENCH_CPUS`` when a grid executor gave the run a share
of the machine (``bench.executors``), else the process's CPU affinity, else the machine's count.

Everything that sizes a pool of threads or processes by itself (the tokenizer workers, faiss)
asks here, so N runs at once on one machine never use more than its cores between them.
"""

from __future__ import annotations

import os


def available_cpus() -> int:
    """The cores this process may use (at least one)."""
    env = os.environ.get("BENCH_CPUS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
