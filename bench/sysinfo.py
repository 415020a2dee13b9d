"""The machine and library versions a run was made on, recorded in every result."""

from __future__ import annotations

import functools
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

LIBRARIES = (
    "numpy",
    "scikit-learn",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "konlpy",
    "pandas",
    "kiwipiepy",
    "python-mecab-ko",
    "nlp-bench",
)


@functools.lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            pass
    return out


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields in /proc/cpuinfo (empty where there is none)."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def _cpu_model() -> str:
    return _cpuinfo().get("model name") or platform.processor() or platform.machine()


def cpu_generation() -> str | None:
    """Vendor, family and model numbers and the widest vector extension, e.g. ``AuthenticAMD
    family 26 model 2, avx512f``: virtual machines often name every CPU alike ("AMD EPYC"), and
    float results of neural training can differ between CPU generations."""
    info = _cpuinfo()
    if "cpu family" not in info:
        return None
    flags = set(info.get("flags", "").split())
    vector = next((f for f in ("avx512f", "avx2", "avx", "sse4_2") if f in flags), None)
    gen = f"{info.get('vendor_id', '?')} family {info['cpu family']} model {info.get('model', '?')}"
    return f"{gen}, {vector}" if vector else gen


def _git(*args: str) -> str | None:
    """Output of ``git ARGS`` in this checkout, or None outside git (an installed wheel)."""
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def code_version() -> dict:
    """The commit the code was run from and whether tracked files differed from it (a result made
    from edited code cannot be reproduced from the commit alone)."""
    commit = _git("rev-parse", "HEAD") or None
    changes = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"code_commit": commit, "code_modified": None if changes is None else bool(changes)}


@functools.lru_cache(maxsize=1)
def machine() -> dict:
    mem_gb = None
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_generation": cpu_generation(),
        "cpu_count": os.cpu_count(),
        "memory_gb": mem_gb,
        "python_executable": sys.executable,
        **code_version(),
    }


def tensorflow_gpus(*, load: bool = False) -> list[str] | None:
    """The GPUs TensorFlow sees (``/physical_device:GPU:0``...; empty: none), or None when
    TensorFlow is not loaded and ``load`` is false: a classic run never imports it to look."""
    if "tensorflow" not in sys.modules and not load:
        return None
    try:
        import tensorflow as tf
    except ImportError:
        return None
    return [d.name for d in tf.config.list_physical_devices("GPU")]


def execution() -> dict:
    """How and where this run was made, for the run file's ``executor`` field: the executor the
    grid used (``$BENCH_EXECUTOR``, set by ``bench.executors``; a lone ``bench run`` is
    ``local``), the node, its CPU, the cores the run was given and the accelerator it ran on
    (``cpu`` when TensorFlow saw no GPU or was not used)."""
    from core.cpus import available_cpus

    try:
        how = json.loads(os.environ.get("BENCH_EXECUTOR") or "{}")
    except json.JSONDecodeError:
        how = {}
    gpus = tensorflow_gpus()
    return {
        "executor": how.get("executor", "local"),
        **{k: v for k, v in how.items() if k != "executor"},
        "node": platform.node(),
        "cpu": _cpu_model(),
        "cpus": available_cpus(),
        "accelerator": ", ".join(gpus) if gpus else "cpu",
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
