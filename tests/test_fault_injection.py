"""Fault injection: ``bench all`` driven as a subprocess through damaged and garbage run files, a
corrupt data file, unusable results folders (a regular file, a read-only and a full file system),
SIGKILL and SIGINT at seeded points of a quick grid, and two grids sharing a folder. After each,
``bench all`` completes, every expected run has exactly one valid record, nothing half-written is
left behind and the report renders.

The read-only and full folders are small tmpfs mounts; where this process may not mount one (not
root, no CAP_SYS_ADMIN, no ``mount``), those cases are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.grid import plan
from bench.locks import try_lock
from bench.results import InvalidResultError, load_run, results_home
from bench.runner import result_path

# (datasets, models) of the quick grids: fast classic models only, so the file stays short
SMALL = (["sms-spam", "r8"], ["nb", "tfidf-lr"])
TINY = (["sms-spam"], ["nb"])
THREE = (["sms-spam"], ["nb", "tfidf-lr", "nbsvm"])


def _grid_args(datasets: list[str], models: list[str]) -> list[str]:
    # --models already skips the language-model task; --no-lm says so for a reader
    return ["all", "--profile", "quick", "--datasets", *datasets, "--models", *models, "--no-lm"]


def _bench(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=timeout,
    )


def _default_sigint() -> None:
    # a shell starts background jobs with SIGINT ignored; bench must see it as a terminal would
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _expected(results: Path, datasets: list[str], models: list[str]) -> list[Path]:
    """The run files the grid must leave: one per planned configuration."""
    return [result_path(c, results) for c in plan(datasets, models, [0], "quick")]


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


def _assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = _error_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], proc.stderr


def _half_written(results: Path) -> list[Path]:
    """Temp files, write checks and temporary model folders anywhere under ``results``."""
    return [
        p
        for p in results.rglob("*")
        if p.name.endswith(".tmp")
        or p.name.startswith(".write-check.")
        or (p.parent.name == "models" and p.name.startswith(".") and p.name != ".locks")
    ]


def _assert_complete(
    results: Path, datasets: list[str], models: list[str], *, others: tuple[str, ...] = ()
) -> None:
    """Every expected run has exactly one valid record, runs/ holds nothing else (but the files
    named in ``others``), nothing is half-written or locked, and the report renders."""
    expected = _expected(results, datasets, models)
    for path in expected:
        assert path.is_file(), f"missing {path.name}"
        load_run(path)  # raises InvalidResultError
    runs = results / "runs"
    stored = {p.name for p in runs.glob("*.json")}
    assert stored == {p.name for p in expected} | set(others)
    assert len({load_run(p).run_id for p in expected}) == len(expected)
    hidden = [p.name for p in runs.iterdir() if p.name.startswith(".") and p.name != ".locks"]
    assert hidden == [] and _half_written(results) == []
    for path in expected:  # a killed grid leaves no run locked: the kernel released its flock
        lock = try_lock(path)
        assert lock is not None, f"{path.name} is still locked"
        lock.release()
    assert (results / "report" / "index.html").is_file()
    md = _bench("report", "--markdown", "--profile", "quick", "--results-dir", str(results))
    assert md.returncode == 0 and "Traceback" not in md.stderr, md.stderr
    assert "sms-spam" in md.stdout


def _run_grid(
    results: Path, datasets: list[str], models: list[str], *, env: dict | None = None
) -> subprocess.CompletedProcess:
    proc = _bench(*_grid_args(datasets, models), "--results-dir", str(results), env=env)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert f"report: {results / 'report' / 'index.html'}" in proc.stdout
    return proc


# -- damaged and garbage run files ----------------------------------------------------------------


def test_damaged_run_files_are_quarantined_and_redone_and_garbage_is_named(tiny_home):
    results = results_home()
    datasets, models = SMALL
    _run_grid(results, datasets, models)
    paths = _expected(results, datasets, models)
    truncated, listed, misnamed, donor = paths[0], paths[1], paths[2], paths[3]
    truncated.write_bytes(truncated.read_bytes()[:300])
    listed.write_text("[1,2,3]")
    misnamed.write_bytes(donor.read_bytes())  # a valid record under another run's name
    runs = results / "runs"
    garbage = {
        "sms-spam__nb__english__quick__seed7__0123456789abcdef.json": b"null",
        "r8__nbsvm__english__quick__seed3__fedcba9876543210.json": random.Random(0).randbytes(700),
        "r8__nb__english__quick__seed5__00000000deadbeef.json": b"[1,2,3]",
    }
    for name, data in garbage.items():
        (runs / name).write_bytes(data)
    untouched = {p: p.stat().st_mtime_ns for p in paths if p not in (truncated, listed, misnamed)}

    proc = _run_grid(results, datasets, models)
    for damaged in (truncated, listed, misnamed):
        assert f"quarantined runs/{damaged.name}" in proc.stderr, proc.stderr
        assert (results / "quarantine" / damaged.name).is_file()
    assert "grid: 3 run, 1 already had results, 0 running in another process, 0 failed" in (
        proc.stderr
    )
    for name in garbage:  # not a run of this grid: left where it is, and named by the report
        assert f"warning: left out runs/{name}" in proc.stderr, proc.stderr
    assert all(p.stat().st_mtime_ns == t for p, t in untouched.items())  # not redone
    _assert_complete(results, datasets, models, others=tuple(garbage))
    report = _bench("report", "--results-dir", str(results))
    assert report.returncode == 0, report.stderr
    assert all(f"left out runs/{name}" in report.stderr for name in garbage), report.stderr


# -- a corrupt data file ---------------------------------------------------------------------------


def _snapshot(results: Path) -> dict[str, bytes]:
    return {str(p.relative_to(results)): p.read_bytes() for p in results.rglob("*") if p.is_file()}


def test_corrupt_data_is_refused_in_one_line_and_nothing_is_written(tiny_home, monkeypatch):
    results = results_home()
    datasets, models = TINY
    _run_grid(results, datasets, models)
    before = _snapshot(results)
    old_paths = _expected(results, datasets, models)
    data = tiny_home / "sms_spam" / "SMSSpamCollection"
    original = data.read_bytes()
    flip = {"ham": "spam", "spam": "ham"}
    lines = original.decode().splitlines(keepends=True)
    data.write_text(
        "".join(flip[ln.split("\t")[0]] + ln[ln.index("\t") :] for ln in lines), encoding="utf-8"
    )

    refused = _bench(
        *_grid_args(datasets, models),
        env={k: v for k, v in os.environ.items() if k != "BENCH_ALLOW_MODIFIED_DATA"},
    )
    _assert_one_line_error(refused, "SMSSpamCollection", "checksum")
    assert _snapshot(results) == before
    # used deliberately, the flipped file is other data: its runs are not the stored ones
    assert set(_expected(results, datasets, models)).isdisjoint(old_paths)

    data.write_bytes(original)
    again = _run_grid(results, datasets, models)
    assert "1 of 1 runs already have results" in again.stderr, again.stderr
    _assert_complete(results, datasets, models)


# -- unusable results folders ----------------------------------------------------------------------


def test_a_regular_file_as_results_folder_is_one_line(tiny_home, tmp_path):
    datasets, models = TINY
    results = tmp_path / "in-the-way"
    results.write_text("not a folder")
    proc = _bench(*_grid_args(datasets, models), "--results-dir", str(results))
    _assert_one_line_error(proc, str(results), "regular file")
    report = _bench("report", "--results-dir", str(results))
    _assert_one_line_error(report, "regular file")
    assert results.read_text() == "not a folder"
    results.unlink()
    _run_grid(results, datasets, models)
    _assert_complete(results, datasets, models)


@contextlib.contextmanager
def _tmpfs(where: Path, options: str):
    """A tmpfs mounted on ``where`` with ``options``; skips the test when it cannot be mounted."""
    where.mkdir()
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no `mount` command to make a small tmpfs")
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {proc.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


def test_a_read_only_results_folder_is_one_line(tiny_home, tmp_path):
    datasets, models = TINY
    with _tmpfs(tmp_path / "ro", "size=4m,ro") as results:
        proc = _bench(*_grid_args(datasets, models), "--results-dir", str(results))
        _assert_one_line_error(proc, "read-only")
        assert list(results.iterdir()) == []
        _remount(results, "rw")
        _run_grid(results, datasets, models)
        _assert_complete(results, datasets, models)


def test_a_full_results_folder_leaves_no_half_written_file(tiny_home, tmp_path):
    datasets, models = SMALL
    # room for the folders' write checks and the first runs, not for every model and record
    with _tmpfs(tmp_path / "full", "size=48k") as results:
        proc = _bench(*_grid_args(datasets, models), "--results-dir", str(results))
        assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr, proc.stderr
        assert "the disk is full" in proc.stderr, proc.stderr
        assert _error_lines(proc.stderr), proc.stderr
        expected = {p.name for p in _expected(results, datasets, models)}
        for path in (results / "runs").glob("*.json"):  # what was stored is whole and valid
            assert path.name in expected
            load_run(path)
        assert _half_written(results) == []
        _remount(results, "size=32m")
        _run_grid(results, datasets, models)
        _assert_complete(results, datasets, models)


# -- signals at seeded points of a quick grid ------------------------------------------------------


def _wait_for_runs(proc: subprocess.Popen, runs: Path, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list(runs.glob("*.json"))) >= n:
            return
        time.sleep(0.05)


@pytest.mark.parametrize(
    "how,after_runs,seed",
    [
        ("SIGKILL", 0, 1),  # a seeded 0.5-4 s: often while Python starts or the first run fits
        ("SIGKILL", 2, 2),  # just after the second record: often while the third child writes
        ("SIGINT", 1, 3),
    ],
)
def test_a_killed_or_interrupted_grid_completes_on_the_next_run(
    tiny_home, tmp_path, how, after_runs, seed
):
    datasets, models = THREE
    results = results_home()
    rng = random.Random(seed)
    delay = rng.uniform(0.5, 4.0) if after_runs == 0 else rng.uniform(0.0, 1.0)
    with open(tmp_path / "first.err", "w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench", *_grid_args(datasets, models)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
        try:
            _wait_for_runs(proc, results / "runs", after_runs)
            time.sleep(delay)
            if proc.poll() is None:
                if how == "SIGKILL":
                    os.killpg(proc.pid, signal.SIGKILL)  # the grid and its child at once
                else:
                    proc.send_signal(signal.SIGINT)  # to bench all alone: it stops its child
            code = proc.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        err.seek(0)
        first = err.read()
    assert code in (0, -signal.SIGKILL if how == "SIGKILL" else 130), first
    if how == "SIGINT" and code == 130:
        assert "run the same command again to resume" in first and "Traceback" not in first
    expected = _expected(results, datasets, models)
    for path in (results / "runs").glob("*.json"):  # what the killed grid stored is whole
        assert path in expected
        load_run(path)
    before = {p: p.stat().st_mtime_ns for p in expected if p.exists()}

    again = _run_grid(results, datasets, models)
    n_done = len(expected) - len(before)
    assert f"grid: {n_done} run, {len(before)} already had results" in again.stderr, again.stderr
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # no run done twice
    _assert_complete(results, datasets, models)


# -- two grids sharing a folder --------------------------------------------------------------------


def test_two_grids_at_once_share_the_folder(tiny_home, tmp_path):
    datasets, models = SMALL
    results = results_home()
    errs = [open(tmp_path / f"grid{i}.err", "w+") for i in (1, 2)]
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench", *_grid_args(datasets, models)],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            for err in errs
        ]
        codes = [p.wait(timeout=240) for p in procs]
        texts = []
        for err in errs:
            err.seek(0)
            texts.append(err.read())
    finally:
        for err in errs:
            err.close()
    assert codes == [0, 0] and not any("Traceback" in t for t in texts), texts
    done = [int(t.split("grid: ")[1].split(" run,")[0]) for t in texts]
    assert sum(done) == len(_expected(results, datasets, models)), texts  # each run done once
    if any("are being run by another process" in t for t in texts):
        _run_grid(results, datasets, models)  # a run left busy is stored by now; render it
    _assert_complete(results, datasets, models)


def test_invalid_records_fail_validation(tmp_path):
    """The oracle the tests above rely on: ``load_run`` refuses what they plant."""
    path = tmp_path / "sms-spam__nb__english__quick__seed0__0123456789abcdef.json"
    for data in (b"null", b"[1,2,3]", b"{", b"\xff\xfe"):
        path.write_bytes(data)
        with pytest.raises(InvalidResultError):
            load_run(path)
