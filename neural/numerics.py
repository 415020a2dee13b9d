"""How TensorFlow computes on the CPU, fixed per run so a figure does not depend on the machine.

Two things change the order in which a run's floats are added, and under a few epochs and early
stopping that rounding can move a recurrent model's accuracy by points:

- **threads**: TensorFlow splits a matrix product or a reduction among its intra-op threads, and
  another split sums in another order. A run pins both pools to ``threads`` (1 in every profile)
  instead of taking one per core, so neither the core count nor ``--jobs`` changes a figure.
- **the instruction set of oneDNN's kernels**: TensorFlow's x86 wheels hand matrix products,
  convolutions and more to oneDNN, which picks AVX-512, AVX2 or AVX kernels for the CPU at hand.
  ``onednn_isa`` caps that choice (oneDNN's ``ONEDNN_MAX_CPU_ISA``) so every x86 CPU that has the
  capped set runs the same kernels; None leaves each CPU its fastest ones.

Both are settings of the model (part of a run's identity) and recorded in the run file as they
were in force. Records: docs/performance.md#fixed-numerics.
"""

from __future__ import annotations

import os
import platform

from core.cpus import available_cpus
from core.errors import UserError

#: oneDNN's names for the instruction sets it can be capped at (its ``ONEDNN_MAX_CPU_ISA``)
ONEDNN_ISAS = frozenset(
    {"sse41", "avx", "avx2", "avx2_vnni", "avx512_core", "avx512_core_vnni", "avx512_core_bf16"}
)


def check_onednn_isa(onednn_isa: str | None) -> None:
    """``ValueError`` for a name oneDNN does not know (reported as a bad parameter)."""
    if onednn_isa is not None and onednn_isa.lower() not in ONEDNN_ISAS:
        raise ValueError(
            f"onednn_isa must be one of {', '.join(sorted(ONEDNN_ISAS))} or unset, "
            f"got {onednn_isa!r}"
        )


class NumericsFixedError(UserError):
    """TensorFlow already computes in this process with other settings, which cannot change."""


def pin_numerics(threads: int | None, onednn_isa: str | None = None) -> dict:
    """Fix TensorFlow's thread pools at ``threads`` and cap oneDNN's kernels at ``onednn_isa``
    (x86 only) before TensorFlow's runtime starts; returns the settings in force.
    ``NumericsFixedError`` when this process already computes with other ones."""
    import tensorflow as tf

    if onednn_isa is not None and _x86():
        _cap_isa(onednn_isa.upper(), started=_started())
    threading = tf.config.threading
    if threads is not None:
        try:
            threading.set_intra_op_parallelism_threads(threads)
            threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            now = _in_force(threading.get_intra_op_parallelism_threads(), "INTRAOP")
            if now != threads:
                raise NumericsFixedError(
                    f"threads={threads}: TensorFlow already computes with {now} threads in this "
                    "process, and its pools cannot change once it has started; run this model "
                    f"in a fresh process or with --param threads={now}"
                ) from None
    return {
        "intra_op_threads": _in_force(threading.get_intra_op_parallelism_threads(), "INTRAOP"),
        "inter_op_threads": _in_force(threading.get_inter_op_parallelism_threads(), "INTEROP"),
        "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA", "").upper() or None,
    }


def _cap_isa(isa: str, *, started: bool) -> None:
    """Set ``ONEDNN_MAX_CPU_ISA``, which oneDNN reads once, when it first runs a kernel."""
    now = os.environ.get("ONEDNN_MAX_CPU_ISA", "").upper()
    if started and now != isa:
        raise NumericsFixedError(
            f"onednn_isa={isa.lower()}: TensorFlow already computes in this process with "
            f"{now.lower() or 'no cap on'} oneDNN's instruction set, which cannot change once "
            "it has started; run this model in a fresh process"
        )
    os.environ["ONEDNN_MAX_CPU_ISA"] = isa


def _started() -> bool:
    """Whether TensorFlow's runtime has started in this process (then its settings are fixed)."""
    from tensorflow.python.eager import context

    return getattr(context.context(), "_context_handle", None) is not None


def _x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")


def _in_force(configured: int, pool: str) -> int:
    """A pool's size: as configured, else ``$TF_NUM_<pool>_THREADS`` (which TensorFlow reads when
    nothing was configured), else one thread per core."""
    if configured:
        return configured
    env = os.environ.get(f"TF_NUM_{pool}_THREADS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else available_cpus()
