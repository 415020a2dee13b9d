"""The Python API (``bench.run``, ``bench.run_grid``, ``bench.load_results``) and ``bench results``:
the CLI's code path, BenchError instead of exit codes, one row per valid run, exports that read
back as they were written."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

import bench
from bench.api import COLUMNS, write_results
from bench.errors import BenchError
from bench.results import results_home
from tests.test_cli import assert_one_line_error
from tests.test_cli import bench as bench_cli


@pytest.fixture
def two_runs(tiny_home):
    """Two runs stored in the test's results folder: sms-spam x nb (quick) and x nb-bigram."""
    first = bench.run("sms-spam", "nb", profile="quick", params={"alpha": 0.5}, quiet=True)
    second = bench.run("sms-spam", "nb-bigram", profile="quick", seed=2, quiet=True)
    return first, second


def test_import_bench_stays_light():
    code = (
        "import sys, bench; light = 'pandas' not in sys.modules and 'bench.api' not in sys.modules;"
        "assert callable(bench.run) and callable(bench.run_grid) and callable(bench.load_results);"
        "print(light, 'tensorflow' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False"]


def test_run_takes_the_cli_path_and_stores_the_result(two_runs):
    first, second = two_runs
    assert first.dataset == "sms-spam" and first.profile == "quick"
    assert first.model_params["alpha"] == 0.5 and first.identity["model_params"] == {"alpha": 0.5}
    assert second.seed == 2 and 0.0 <= second.accuracy <= 1.0
    stored = sorted(p.name for p in (results_home() / "runs").glob("*.json"))
    assert sorted(name.split("__")[1] for name in stored) == ["nb", "nb-bigram"]


def test_run_without_save_writes_nothing(tiny_home):
    result = bench.run("sms-spam", "nb", profile="quick", save=False, quiet=True)
    assert result.test_size > 0 and not (results_home() / "runs").exists()


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"model": "nbb"}, "unknown model 'nbb'"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"max_train": 0}, "max_train must be a positive integer"),
        ({"params": {"alpha": "big"}}, "bad parameters for nb"),
        ({"profile": "quik"}, "unknown profile 'quik'"),
    ],
)
def test_run_errors_are_bench_errors_not_exits(tiny_home, kwargs, needle):
    with pytest.raises(BenchError, match=needle):
        bench.run("sms-spam", **{"model": "nb", **kwargs})


def test_load_results_is_one_row_per_valid_run(two_runs):
    first, second = two_runs
    (results_home() / "runs" / "sms-spam__nb__english__quick__seed9__0000.json").write_text("{")
    frame = bench.load_results()
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 2
    assert set(frame["run_id"]) == {first.run_id, second.run_id}
    row = frame.set_index("run_id").loc[first.run_id]
    assert row["accuracy"] == first.accuracy and row["tokenizer"] == "english"
    assert row["train_size"] == first.train_size and row["machine_cpu"] == first.machine["cpu"]
    assert json.loads(row["model_params"])["alpha"] == 0.5
    assert str(frame["started_at"].dtype).startswith("datetime64") and frame["seed"].tolist()
    assert len(frame.attrs["invalid"]) == 1 and "seed9" in frame.attrs["invalid"][0]
    assert bench.load_results(profile="default").empty  # both runs are of the quick profile
    assert list(bench.load_results(profile="default").columns) == list(COLUMNS)


def test_run_grid_returns_its_runs_and_the_outcome(tiny_home):
    config = {"profile": "quick", "lm": True, "params": {"nb": {"alpha": 0.25}}}
    frame = bench.run_grid(["sms-spam"], ["nb"], config=config, lm=False, report=False)
    outcome = frame.attrs["outcome"]
    assert outcome.exit_code == 0 and outcome.lm_failed == [] and len(outcome.grid.done) == 1
    assert frame[["dataset", "model", "profile"]].values.tolist() == [["sms-spam", "nb", "quick"]]
    assert json.loads(frame["model_params"][0])["alpha"] == 0.25
    (record,) = (results_home() / "grids").glob("*.json")
    assert json.loads(record.read_text())["lm"] is False  # the argument over the config's
    again = bench.run_grid(["sms-spam"], ["nb"], config=config, lm=False, report=False)
    assert again["run_id"].tolist() == frame["run_id"].tolist()  # resumed: nothing redone
    assert len(again.attrs["outcome"].grid.skipped) == 1
    with pytest.raises(BenchError, match="config: unknown key 'modls'"):
        bench.run_grid(config={"modls": ["nb"]})


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_bench_results_prints_a_table_that_reads_back(two_runs, fmt):
    proc = bench_cli("results", "--format", fmt, "--profile", "quick")
    assert proc.returncode == 0, proc.stderr
    read = pd.read_csv if fmt == "csv" else lambda f: pd.read_json(f, orient="records")
    back = read(io.StringIO(proc.stdout))
    expected = bench.load_results()
    assert list(back.columns) == list(COLUMNS)
    assert back["run_id"].tolist() == expected["run_id"].tolist()
    assert back["accuracy"].tolist() == expected["accuracy"].tolist()
    assert back["model_params"].tolist() == expected["model_params"].tolist()


def test_bench_results_parquet_roundtrips_and_needs_output(two_runs, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    out = folder / "runs.parquet"
    proc = bench_cli("results", "--format", "parquet", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out), bench.load_results())
    assert [p.name for p in folder.iterdir()] == ["runs.parquet"]  # no temp file left
    no_output = bench_cli("results", "--format", "parquet")
    assert no_output.returncode == 2
    assert_one_line_error(no_output, "parquet is a binary format: give --output")


def test_an_unwritable_output_is_one_line_and_leaves_the_old_file(two_runs, tmp_path):
    proc = bench_cli("results", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"))
    assert proc.returncode == 2
    assert_one_line_error(proc, "cannot write", "x.csv")
    folder = tmp_path / "export"
    folder.mkdir()
    old = folder / "runs.csv"
    old.write_text("previous export\n")

    def broken(frame, target, **_):  # a writer that fails half-way
        raise OSError(28, "No space left on device")

    frame = bench.load_results()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pd.DataFrame, "to_csv", broken)
        with pytest.raises(BenchError, match="the disk is full"):
            write_results(frame, "csv", old)
    assert old.read_text() == "previous export\n"
    assert [p.name for p in folder.iterdir()] == ["runs.csv"]  # the temp file removed
