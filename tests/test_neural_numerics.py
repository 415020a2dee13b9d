"""A neural run computes with fixed numerics (neural.numerics): its own thread count and oneDNN
kernels whatever the machine, the executor or the environment would give it, recorded in its
run file; settings that cannot hold in a process are refused, not silently ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.executors import LocalExecutor, default_jobs, make_executor
from tests.conftest import REAL_DATA_HOME

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(results, env_extra: dict, *params: str) -> dict:
    """``bench run`` of a small slice of R8 in a fresh process whose environment asks for other
    threads and kernels than the profile pins; its run file."""
    env = {**os.environ, **env_extra, "BENCH_DATA_HOME": str(REAL_DATA_HOME), "BENCH_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "bench", "run", "--dataset", "r8", "--model", "cnn-lstm"]
    cmd += ["--profile", "quick", "--max-train", "1500", "--quiet", "--results-dir", str(results)]
    for p in params:
        cmd += ["--param", p]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = (results / "runs").glob("*.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.skipif(REAL_DATA_HOME is None, reason="needs the real R8")
def test_a_run_computes_with_the_profiles_numerics_whatever_the_environment(tmp_path):
    cache = {"BENCH_CACHE_DIR": str(tmp_path / "cache")}
    many = {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2"}
    wide = {**many, "ONEDNN_MAX_CPU_ISA": "AVX512_CORE", **cache}
    narrow = {"TF_NUM_INTRAOP_THREADS": "1", "ONEDNN_MAX_CPU_ISA": "AVX2", **cache}
    a, b = _run(tmp_path / "a", wide), _run(tmp_path / "b", narrow)
    pinned = {"intra_op_threads": 1, "inter_op_threads": 1, "onednn_max_cpu_isa": "AVX"}
    assert a["executor"]["numerics"] == b["executor"]["numerics"] == pinned
    assert a["run_id"] == b["run_id"]
    assert a["test_predictions"] == b["test_predictions"]
    assert _losses(a) == _losses(b)  # every epoch's losses, to the last bit
    # unpinned, the environment decides, the run file says what it was, and the losses differ:
    # this slice is one whose training follows the rounding
    free = ("threads=null", "onednn_isa=null")
    c, d = _run(tmp_path / "c", wide, *free), _run(tmp_path / "d", narrow, *free)
    assert c["executor"]["numerics"]["intra_op_threads"] == 2
    assert c["executor"]["numerics"]["onednn_max_cpu_isa"] == "AVX512_CORE"
    assert d["executor"]["numerics"]["onednn_max_cpu_isa"] == "AVX2"
    assert c["run_id"] == d["run_id"] != a["run_id"]
    assert _losses(c) != _losses(d)


def _losses(record: dict) -> list:
    return [
        {k: v for k, v in e.items() if "loss" in k or "accuracy" in k} for e in record["history"]
    ]


def test_an_unknown_instruction_set_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "BENCH_RESULTS_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "bench", "run", "--dataset", "sms-spam", "--model", "lstm"]
    cmd += ["--param", "onednn_isa=avx9"]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    # TensorFlow's own start-up lines may come first (bench.executors.children filters them)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [done.stderr.strip().splitlines()[-1]]
    assert "onednn_isa must be one of" in errors[0] and "avx9" in errors[0]


def test_other_numerics_in_a_started_process_are_refused():
    """TensorFlow's pools and oneDNN's cap are read once: asking for others later is an error."""
    code = """
import tensorflow as tf
from neural.numerics import NumericsFixedError, pin_numerics
first = pin_numerics(1, "avx")
tf.constant([1.0, 2.0]) * 2  # the runtime starts
assert pin_numerics(1, "avx") == first  # the same settings again: fine
for args in ((2, "avx"), (1, "avx2")):
    try:
        pin_numerics(*args)
    except NumericsFixedError as exc:
        print("refused:", exc)
    else:
        raise SystemExit(f"{args} accepted")
"""
    env = {k: v for k, v in os.environ.items() if k != "ONEDNN_MAX_CPU_ISA"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("refused")]
    assert len(lines) == 2
    assert "threads=2" in lines[0] and "onednn_isa=avx2" in lines[1]


def test_grids_run_one_run_per_core_as_memory_allows():
    assert default_jobs(cpus=2, memory_gb=24) == 2
    assert default_jobs(cpus=8, memory_gb=10) == 2  # four gigabytes a run
    assert default_jobs(cpus=1, memory_gb=64) == 1
    assert default_jobs(cpus=4, memory_gb=2) == 1
    executor = make_executor("local")
    assert isinstance(executor, LocalExecutor) and executor.jobs == default_jobs()
    assert make_executor("local", jobs=1).sequential


def test_the_report_says_how_a_neural_run_computed():
    from reports.compute import execution

    record = {"executor": "local", "jobs": 2, "cpus": 1, "accelerator": "cpu"}
    fixed = {"intra_op_threads": 1, "inter_op_threads": 1, "onednn_max_cpu_isa": "AVX"}
    assert execution(record) == "local --jobs 2, 1 core per run, cpu"
    assert execution({**record, "numerics": fixed}) == (
        "local --jobs 2, 1 core per run, 1 TensorFlow thread, oneDNN up to AVX, cpu"
    )
    free = {**fixed, "intra_op_threads": 2, "onednn_max_cpu_isa": None}
    assert execution({**record, "numerics": free}).endswith("2 TensorFlow threads, cpu")
