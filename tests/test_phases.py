"""Where a run's seconds go (bench.phases): the phases a run records add up to its wall time, and a
grid's breakdown lists them, the time between runs and the phase that broke the budget."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from bench import phases
from bench.results import RunResult, results_home
from bench.runner import make_config, run
from tests.conftest import ROOT


def test_an_in_process_run_records_every_phase_adding_up_to_its_time(tiny_home):
    config = make_config("imdb", "nb", profile="quick")
    t0 = time.perf_counter()
    result = run(config, results_dir=results_home(), quiet=True)
    outside = time.perf_counter() - t0
    assert list(result.phases) == list(phases.RUN_PHASES)
    assert all(v >= 0 for v in result.phases.values())
    # the clock starts at the call and stops before the result file is written
    assert 0 < sum(result.phases.values()) <= outside
    assert outside - sum(result.phases.values()) < 1.0
    assert result.phases["fit"] == pytest.approx(result.fit_seconds)
    assert result.phases["tokenize"] == pytest.approx(result.tokenize_seconds)
    stored = json.loads(next((results_home() / "runs").glob("*.json")).read_text())
    assert stored["phases"] == result.phases


def test_a_bench_run_process_counts_from_its_start(tiny_home):
    """The child a grid starts: its phases add up to the process's life but for the result file's
    write and the interpreter's exit; its start-up (Python, the harness's imports) is in
    ``other``."""
    cmd = [sys.executable, "-m", "bench", "run", "--dataset", "sms-spam", "--model", "nb"]
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, "--profile", "quick"], capture_output=True, text=True, cwd=ROOT)
    outside = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    result = json.loads(next((results_home() / "runs").glob("*.json")).read_text())
    recorded = sum(result["phases"].values())
    assert set(result["phases"]) == set(phases.RUN_PHASES)
    assert min(result["phases"].values()) >= 0
    assert recorded <= outside and outside - recorded < 3.0
    # the start-up before the run is counted: more than the run's own set-up could take alone
    assert result["phases"]["other"] > 0.05


def test_old_results_without_phases_stay_valid(tiny_home):
    result = run(make_config("imdb", "nb", profile="quick"), quiet=True)
    doc = result.to_dict()
    del doc["phases"]
    assert RunResult.from_dict(doc).phases == {}
    assert doc["run_id"] == result.run_id  # the phases are no part of a run's identity


def _runs() -> list[dict]:
    return [
        {"data": 1.0, "tokenize": 2.0, "model_import": 3.0, "fit": 40.0, "predict": 4.0,
         "save": 0.5, "other": 1.5},
        {"data": 1.0, "tokenize": 0.0, "model_import": 0.0, "fit": 2.0, "predict": 1.0,
         "save": 0.5, "other": 1.5},
        {},  # a run recorded before phases were
    ]  # fmt: skip


def test_grid_phases_add_between_runs_lm_and_report():
    got = phases.grid_phases(_runs(), grid_seconds=70.0, lm_seconds=20.0, report_seconds=3.0)
    assert got["fit"] == 42.0 and got["tokenize"] == 2.0
    assert got["between_runs"] == pytest.approx(70.0 - 58.0)
    assert (got["lm_task"], got["report"]) == (20.0, 3.0)


def test_breakdown_lists_every_phase_and_the_time_between_runs():
    grid = phases.grid_phases(_runs(), grid_seconds=70.0, lm_seconds=20.0, report_seconds=3.0)
    text = phases.breakdown(grid, 100.0, n_runs=3)
    for name in (*phases.RUN_PHASES, *phases.GRID_PHASES):
        assert phases.LABELS[name] in text
    assert "between runs" in text and "12.0s" in text
    assert "set-up before the grid" in text  # 100 s of wall time, 93 s in phases
    assert "budget" not in text and "overlapped" not in text
    # runs made two at a time (--jobs 2): their phases add up to more than the wall time
    overlapped = phases.breakdown(grid, 60.0, n_runs=3)
    assert "set-up before the grid" not in overlapped and "runs overlapped" in overlapped


def test_over_budget_names_the_largest_phase():
    grid = phases.grid_phases(_runs(), grid_seconds=70.0, lm_seconds=1500.0, report_seconds=3.0)
    text = phases.breakdown(grid, 1800.0 + 60, n_runs=3, budget_minutes=30)
    last = text.splitlines()[-1]
    assert "30-minute budget by 1m00s" in last and "LM task took the most" in last
    assert phases.over_budget(grid, 1799.0, 30) is None
    assert phases.over_budget(grid, 5000.0, None) is None


def test_grid_breakdown_reads_the_runs_it_made(tiny_home):
    result = run(make_config("imdb", "nb", profile="quick"), results_dir=results_home(), quiet=True)
    done = list((results_home() / "runs").glob("*.json"))
    text = phases.grid_breakdown(
        done, wall=60.0, grid_seconds=30.0, lm_seconds=0.0, report_seconds=1.0, budget_minutes=None
    )
    assert "(1 run made" in text
    fit_line = next(ln for ln in text.splitlines() if ln.strip().startswith("fit "))
    assert f"{result.phases['fit']:.1f}s" in fit_line


def test_process_age_is_the_time_since_the_process_started():
    code = "from bench.phases import process_age; print(process_age())"
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    outside = time.perf_counter() - t0
    if out.stdout.strip() == "None":
        pytest.skip("no /proc here")
    # /proc counts in clock ticks (1/100 s)
    assert 0 < float(out.stdout) <= outside + 0.02


def test_the_report_says_where_the_stored_runs_time_went(tiny_home):
    from reports.compute import phase_rows
    from reports.html import render_report

    results = [
        run(make_config(d, "nb", profile="quick"), results_dir=results_home(), quiet=True)
        for d in ("imdb", "sms-spam")
    ]
    table = phase_rows(results)
    assert table["runs"] == 2 and [r["phase"] for r in table["rows"]] == [
        phases.LABELS[p] for p in phases.RUN_PHASES
    ]
    fit = sum(r.phases["fit"] for r in results)
    assert table["rows"][3]["hours"] == pytest.approx(fit / 3600)
    assert sum(r["percent"] for r in table["rows"]) == pytest.approx(100)
    html = render_report(results_home(), profile="quick").parent.joinpath("quick.html").read_text()
    assert "Where the time went" in html and "model import" in html
