"""How many threads TensorFlow computes with, set per run so a figure does not depend on the
machine's core count or on how many runs share it.

TensorFlow splits a matrix product or a reduction among its intra-op threads, and a different
split adds the floats in another order. Under a few epochs and early stopping that rounding can
move a recurrent model's accuracy by points, so a run pins both pools to a fixed size (the
model's ``threads`` setting, part of its identity) instead of taking whatever the machine has;
``None`` leaves TensorFlow's own choice (every core). Records: docs/performance.md#threads.
"""

from __future__ import annotations

import os

from core.cpus import available_cpus
from core.errors import UserError


class ThreadsFixedError(UserError):
    """The process already computed with another pool size, which TensorFlow cannot change."""


def pin_threads(threads: int | None) -> dict:
    """Set TensorFlow's intra-op and inter-op pools to ``threads`` before its runtime starts;
    returns the sizes in force. ``ThreadsFixedError`` when this process already computes with
    another size (the pools cannot change once TensorFlow has started)."""
    import tensorflow as tf

    threading = tf.config.threading
    if threads is not None:
        try:
            threading.set_intra_op_parallelism_threads(threads)
            threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            now = _in_force(threading.get_intra_op_parallelism_threads(), "INTRAOP")
            if now != threads:
                raise ThreadsFixedError(
                    f"threads={threads}: TensorFlow already computes with {now} threads in this "
                    "process, and its pools cannot change once it has started; run this model "
                    "in a fresh process or with --param threads="
                    f"{now}"
                ) from None
    return {
        "intra_op": _in_force(threading.get_intra_op_parallelism_threads(), "INTRAOP"),
        "inter_op": _in_force(threading.get_inter_op_parallelism_threads(), "INTEROP"),
    }


def _in_force(configured: int, pool: str) -> int:
    """A pool's size: as configured, else ``$TF_NUM_<pool>_THREADS`` (which TensorFlow reads when
    nothing was configured), else one thread per core."""
    if configured:
        return configured
    env = os.environ.get(f"TF_NUM_{pool}_THREADS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else available_cpus()
