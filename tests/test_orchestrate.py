"""``bench.orchestrate``: what ``bench all``, ``sweep``, ``scale`` and ``lm`` do, called directly;
and the one rule that tells a child the user stopped from a child that failed."""

from __future__ import annotations

import json
import signal
import sys

import pytest

from bench import orchestrate
from bench.grid import GridOutcome, stopped_by_user
from bench.results import load_results, results_home


def _dies_by(sig: int) -> list[str]:
    """A child that stops itself the way a user's signal would stop it."""
    return [sys.executable, "-c", f"import os; os.kill(os.getpid(), {int(sig)})"]


@pytest.mark.parametrize(
    "code, stopped",
    [
        (-signal.SIGINT, True),
        (-signal.SIGTERM, True),
        (130, True),
        (143, True),
        (0, False),
        (1, False),
        (2, False),
        (-signal.SIGKILL, False),
        (-signal.SIGSEGV, False),
    ],
)
def test_the_user_stopped_a_child_by_sigint_or_sigterm_only(code, stopped):
    assert stopped_by_user(code) is stopped


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_language_model_child_stopped_by_a_signal_stops_the_lm_step(tmp_path, monkeypatch, sig):
    started = []

    def command(dataset, **_):
        started.append(dataset)
        return _dies_by(sig)

    monkeypatch.setattr(orchestrate, "lm_child_command", command)
    with pytest.raises(KeyboardInterrupt):
        orchestrate.run_lm_children(["imdb", "r8"], profile="quick", results_dir=tmp_path)
    assert started == ["imdb"]  # the second dataset never started


def test_a_failed_language_model_child_is_reported_and_the_next_one_runs(tmp_path, monkeypatch):
    fail = [sys.executable, "-c", "import sys; print('no data here', file=sys.stderr); sys.exit(2)"]
    monkeypatch.setattr(orchestrate, "lm_child_command", lambda dataset, **_: fail)
    failed = orchestrate.run_lm_children(["imdb", "r8"], profile="quick", results_dir=tmp_path)
    assert failed == ["imdb language models: no data here", "r8 language models: no data here"]


def _fake_grid(monkeypatch) -> list:
    """Replace the grid's runs with a record of the configurations planned; returns that record."""
    planned = []

    def run_grid(configs, results_dir, *, force=False, executor=None):
        planned.extend(configs)
        return GridOutcome()

    monkeypatch.setattr(orchestrate, "run_grid", run_grid)
    return planned


def test_run_all_passes_seeds_to_the_lm_task_only_when_given(tiny_home, monkeypatch):
    planned = _fake_grid(monkeypatch)
    commands = []
    monkeypatch.setattr(orchestrate, "run_child", lambda cmd, *a: commands.append(cmd) or (0, ""))
    grid = dict(results_dir=results_home(), profile="quick", datasets=["sms-spam"])
    outcome = orchestrate.run_all(**grid)
    assert outcome.exit_code == 0 and outcome.report is None  # nothing ran, nothing to render
    assert {c.seed for c in planned} == {0}  # the profile's seeds
    assert commands and all("--seeds" not in cmd for cmd in commands)  # the LM task's own default

    planned.clear()
    commands.clear()
    orchestrate.run_all(**grid, seeds=[1, 2])
    assert {c.seed for c in planned} == {1, 2}
    assert commands[0][commands[0].index("--seeds") :][:3] == ["--seeds", "1", "2"]

    commands.clear()
    orchestrate.run_all(**grid, models=["nb"])
    orchestrate.run_all(**grid, shard_spec="1/2")
    orchestrate.run_all(**grid, lm=False)
    assert commands == []  # a narrowed grid, or lm=False, skips the LM task


def test_bench_all_stops_with_130_when_an_lm_child_is_stopped_by_sigterm(
    tiny_home, monkeypatch, capsys
):
    from bench.cli import main

    _fake_grid(monkeypatch)
    started = []
    monkeypatch.setattr(
        orchestrate,
        "lm_child_command",
        lambda dataset, **_: started.append(dataset) or _dies_by(signal.SIGTERM),
    )
    previous = signal.getsignal(signal.SIGTERM)  # main() turns SIGTERM into KeyboardInterrupt
    try:
        with pytest.raises(SystemExit) as stop:
            # one dataset's child at a time, so the first one's stop is the last one started
            main(["all", "--profile", "quick", "--datasets", "sms-spam", "r8", "--jobs", "1"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stop.value.code == 130 and started == ["sms-spam"]
    assert "run the same command again to resume" in capsys.readouterr().err


def test_run_all_runs_a_tiny_grid_renders_the_report_and_resumes(tiny_home):
    kwargs = dict(
        results_dir=results_home(),
        profile="quick",
        datasets=["sms-spam", "r8"],
        models=["nb"],
        seeds=[0],
    )
    outcome = orchestrate.run_all(**kwargs)
    assert outcome.exit_code == 0 and outcome.failures == [] and outcome.notes() == []
    assert len(outcome.grid.done) == 2
    assert outcome.report == results_home() / "report" / "index.html" and outcome.report.exists()
    assert sorted(r.dataset for r in load_results(results_home())) == ["r8", "sms-spam"]
    again = orchestrate.run_all(**kwargs, report=False)
    assert len(again.grid.skipped) == 2 and not again.grid.done and again.report is None


def test_outcome_lists_busy_and_failed_runs(tmp_path):
    from bench.grid import plan

    config = plan(["imdb"], ["nb"], [0], "quick")[0]
    outcome = orchestrate.Outcome(
        tmp_path,
        GridOutcome(busy=[config], failed=[(config, "boom")]),
        lm_failed=["r8 language models: exit code 1"],
    )
    assert outcome.exit_code == 1
    notes = outcome.notes()
    assert "1 run(s) are being run by another process" in notes[0]
    assert notes[1:] == [
        "2 run(s) failed:",
        f"  {config.label()}: boom",
        "  r8 language models: exit code 1",
    ]


def test_run_lm_runs_each_dataset_once_per_seed(tiny_home):
    lm = dict(results_dir=results_home(), profile="quick", neural=())  # n-gram models: quick
    written = orchestrate.run_lm(["sms-spam"], **lm, seeds=[0, 1])
    docs = [json.loads(p.read_text()) for p in written]
    assert {d["seed"] for d in docs} == {0, 1} and {d["dataset"] for d in docs} == {"sms-spam"}
    by_seed = {s: sorted((d["model"], d["order"]) for d in docs if d["seed"] == s) for s in (0, 1)}
    assert by_seed[0] == by_seed[1] and by_seed[0]
    # seed 0 alone by default: stored already, so nothing is fitted again
    assert orchestrate.run_lm(["sms-spam"], **lm) == []
