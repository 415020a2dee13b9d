"""Per-run locks: one holder at a time, released when the holder dies, leftovers cleaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bench.grid import plan, run_grid, shard
from bench.locks import lock_path, remove_stale_temp_files, try_lock
from bench.results import load_results, results_home
from bench.runner import result_path

HOLD = """
import sys, time
from pathlib import Path
from bench.locks import try_lock
lock = try_lock(Path(sys.argv[1]))
print("held" if lock else "busy", flush=True)
time.sleep(60)
"""


def test_second_lock_is_refused_until_released(tmp_path):
    target = tmp_path / "runs" / "a.json"
    first = try_lock(target)
    assert first is not None and lock_path(target).exists()
    assert try_lock(target) is None  # flock conflicts between open files, even in one process
    first.release()
    assert not lock_path(target).exists()
    with try_lock(target) as again:
        assert again is not None
    assert not lock_path(target).exists()


def test_lock_of_a_killed_process_is_free(tmp_path):
    target = tmp_path / "runs" / "b.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert try_lock(target) is None
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert lock_path(target).exists()  # SIGKILL left the file behind, but not the lock
    lock = try_lock(target)
    assert lock is not None
    lock.release()


def test_stale_temp_files_of_a_locked_run_are_removed(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    target = runs / "imdb__nb__english__quick__seed0__abc123.json"
    mine = runs / f".{target.name}.x1y2.tmp"
    other = runs / ".imdb__nb__english__quick__seed1__def456.json.q.tmp"
    model_tmp = tmp_path / "models" / ".abc123.k9"
    model_tmp.mkdir(parents=True)
    (model_tmp / "model.pkl").write_bytes(b"half")
    for f in (mine, other):
        f.write_text("{half")
    removed = remove_stale_temp_files(target)
    assert set(removed) == {mine, model_tmp}
    assert other.exists() and not mine.exists() and not model_tmp.exists()


def test_grid_skips_a_run_another_process_holds(tiny_home, capsys):
    configs = plan(["sms-spam"], ["nb"], [0], "quick")
    path = result_path(configs[0], results_home())
    with try_lock(path):
        outcome = run_grid(configs, results_home())
    assert outcome.busy == configs and not outcome.done and not outcome.failed
    assert not path.exists() and load_results(results_home()) == []
    err = capsys.readouterr().err
    assert "another process is running it now" in err and "1 running in another process" in err


def test_shard_splits_a_plan_without_overlap(tiny_home):
    configs = plan(["r8", "sms-spam"], ["nb", "lstm"], [0, 1], "quick")
    parts = [shard(configs, f"{k}/3") for k in (1, 2, 3)]
    assert sorted(sum(parts, []), key=str) == sorted(configs, key=str)
    assert shard(configs, None) == configs
    from bench.errors import BenchError

    with pytest.raises(BenchError, match="K/N"):
        shard(configs, "4/3")


def test_lock_file_records_holder_pid(tmp_path):
    target = tmp_path / "runs" / "c.json"
    with try_lock(target):
        assert lock_path(target).read_text().strip() == str(os.getpid())
    assert not lock_path(target).exists()
