"""Killing ``bench all`` halfway and running it again: every run done exactly once, nothing
damaged; two invocations at once share the grid instead of doing runs twice."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from bench.grid import plan
from bench.locks import try_lock
from bench.results import load_results, results_home
from bench.runner import result_path

GRID = ["all", "--profile", "quick", "--seeds", "0", "--no-report"]


def _default_sigint() -> None:
    # as in a terminal's foreground job: a shell starts background jobs (``cmd &``) with SIGINT
    # ignored, and Python then never raises KeyboardInterrupt, so a test run from one would fail
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _bench(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        preexec_fn=_default_sigint,
        **kw,
    )


def _summary(stderr: str) -> dict:
    m = re.search(
        r"grid: (\d+) run, (\d+) already had results, (\d+) running in another process, "
        r"(\d+) failed",
        stderr,
    )
    assert m, stderr
    return dict(zip(("done", "skipped", "busy", "failed"), map(int, m.groups())))


def _leftovers(results) -> list:
    """Temp files of results, lock files, temporary model folders (``models/.<run id>.*``)."""
    return [
        p
        for p in results.rglob("*")
        if p.name.endswith(".tmp")
        or p.suffix == ".lock"
        or (p.parent.name == "models" and p.name.startswith("."))
    ]


@pytest.mark.parametrize("how", ["ctrl-c to the process group", "sigterm to bench all"])
def test_interrupted_grid_resumes_and_runs_each_config_once(tiny_home, how):
    # the second run trains a network (seconds, with TensorFlow's import), so the interrupt always
    # lands inside it, however slowly this test is scheduled; a naive Bayes run could finish first
    models = ["nb", "lstm"]
    results = results_home()
    proc = _bench(*GRID, "--datasets", "r8", "--models", *models, start_new_session=True)
    seen = []
    for line in proc.stderr:  # stop while the second run is in its child process
        seen.append(line)
        if line.startswith("    r8 × lstm") and "loading data" in line:
            break
    if how.startswith("ctrl-c"):
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    rest = proc.communicate(timeout=120)[1]
    assert proc.returncode == 130, "".join(seen) + rest
    assert "run the same command again to resume" in rest and "Traceback" not in rest

    paths = [result_path(c, results) for c in plan(["r8"], models, [0], "quick")]
    for path in paths:  # nobody holds a lock: the child is gone too
        lock = try_lock(path)
        assert lock is not None
        lock.release()
    assert _leftovers(results) == []
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths if p.exists()}
    assert list(before) == [paths[0]]  # the first run completed, the second was cut short

    again = _bench(*GRID, "--datasets", "r8", "--models", *models)
    _, err = again.communicate(timeout=180)
    assert again.returncode == 0, err
    counts = _summary(err)
    assert counts == {"done": 2 - len(before), "skipped": len(before), "busy": 0, "failed": 0}
    for path, stamp in before.items():  # completed runs were not redone
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamp
    for path in paths:
        json.loads(path.read_text())
    assert len(list((results / "runs").glob("*.json"))) == 2 and _leftovers(results) == []


def test_two_invocations_at_once_share_the_grid(tiny_home):
    args = [*GRID, "--models", "nb", "--datasets", "r8", "sms-spam", "imdb"]
    first, second = _bench(*args), _bench(*args)
    errs = [p.communicate(timeout=240)[1] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, errs
    counts = [_summary(e) for e in errs]
    assert counts[0]["done"] + counts[1]["done"] == 3, errs  # each run done by exactly one of them
    assert counts[0]["failed"] == counts[1]["failed"] == 0
    stored = load_results(results_home())
    assert len(stored) == 3 and len({r.run_id for r in stored}) == 3
    assert _leftovers(results_home()) == []
