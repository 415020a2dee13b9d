"""Shared fixtures: an isolated data home of tiny publisher-format files, and the real data home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures import write_all

# neural models pin TensorFlow to one thread and oneDNN to its AVX kernels (neural.numerics); a
# test that starts TensorFlow before any model does would otherwise fix other settings for the
# whole session
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("ONEDNN_MAX_CPU_ISA", "AVX")

ROOT = Path(__file__).resolve().parent.parent
_REAL = os.environ.get("BENCH_DATA_HOME") or str(ROOT.parent / "shared" / "data")
REAL_DATA_HOME = Path(_REAL) if Path(_REAL, "imdb").is_dir() else None


@pytest.fixture(autouse=True)
def _datasets_file_undone(monkeypatch):
    """Commands export ``BENCH_DATASETS_FILE`` for their grid's children (``--datasets-file``, a
    grid file's ``datasets_file``): whatever a test's command set is undone after it."""
    monkeypatch.setenv("BENCH_DATASETS_FILE", os.environ.get("BENCH_DATASETS_FILE", ""))


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """Empty data, cache and results folders; downloads disabled."""
    for var, sub in (
        ("BENCH_DATA_HOME", "data"),
        ("BENCH_CACHE_DIR", "cache"),
        ("BENCH_RESULTS_DIR", "results"),
    ):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setenv("BENCH_OFFLINE", "1")
    # no datasets file of the user's; set to empty (= none) so one a test sets is undone after it
    monkeypatch.setenv("BENCH_DATASETS_FILE", "")
    # the tiny files the tests write are not the published ones, so they fail their registered
    # checksums: tests on them opt in to using them (a test of the refusal unsets this); tests on
    # the real data do not
    monkeypatch.setenv("BENCH_ALLOW_MODIFIED_DATA", "1")
    return tmp_path


@pytest.fixture
def tiny_home(isolated):
    """A data home holding every dataset as a tiny file in its publisher's format."""
    write_all(isolated / "data")
    return isolated / "data"


@pytest.fixture
def real_home(monkeypatch, tmp_path):
    """The real datasets (../shared/data or $BENCH_DATA_HOME); skips when they are absent."""
    if REAL_DATA_HOME is None:
        pytest.skip("the real datasets are not here: set BENCH_DATA_HOME to ../shared/data")
    monkeypatch.setenv("BENCH_DATA_HOME", str(REAL_DATA_HOME))
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("BENCH_OFFLINE", "1")
    return REAL_DATA_HOME


@pytest.fixture(scope="session")
def rendered_grid():
    """``(results_dir, index_path, html)`` of one report over the standard synthetic grid, rendered
    once per test session and shared by the report tests: treat it as read-only."""
    from tests.synthetic_results import render_standard_report

    return render_standard_report()


def pytest_collection_modifyitems(config, items):
    """Benchmarks (tests using the ``benchmark`` fixture) run only under ``--benchmark-only``."""
    if config.getoption("benchmark_only", default=False):
        return
    skip = pytest.mark.skip(reason="a benchmark: run `pytest --benchmark-only`")
    for item in items:
        if "benchmark" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
