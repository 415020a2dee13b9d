"""No silent wrong answers at the runner and `predict`: a run on modified data says so in its
record and its report row, invalid probabilities are never stored, and `predict` neither crashes on
an unreadable input file nor hides that a text had no known token."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.errors import BenchError
from bench.results import results_home
from bench.runner import make_config, run
from tests.test_cli import assert_one_line_error, bench


def test_a_run_on_modified_data_is_recorded_and_marked_in_the_report(tiny_home):
    # the tiny files fail their registered checksums; the tests opt in to using them
    result = run(make_config("sms-spam", "nb", profile="quick"), results_dir=results_home())
    assert result.data_modified and result.identity["data_modified"] is True
    proc = bench("report", "--markdown", "--profile", "quick")
    assert proc.returncode == 0, proc.stderr
    assert "sms-spam (english, modified data)" in proc.stdout


def test_invalid_probabilities_are_never_stored(tiny_home, monkeypatch):
    from baselines.naive_bayes import NaiveBayes

    monkeypatch.setattr(
        NaiveBayes, "predict_proba", lambda self, docs: np.full((len(docs), 2), np.nan)
    )
    with pytest.raises(BenchError, match="invalid probabilities"):
        run(make_config("sms-spam", "nb", profile="quick"), results_dir=results_home())
    assert not list((results_home() / "runs").glob("*.json"))


def test_predict_on_an_undecodable_input_file_is_one_line(tiny_home, tmp_path):
    bench("run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick", "--quiet")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(np.random.default_rng(0).integers(128, 256, 2000, dtype=np.uint8)))
    proc = bench(
        "predict",
        "--dataset",
        "sms-spam",
        "--model",
        "nb",
        "--profile",
        "quick",
        "--input",
        str(junk),
    )
    assert_one_line_error(proc, "cannot read --input", "UTF-8")


def test_predict_json_says_how_many_tokens_the_model_knew(tiny_home):
    bench("run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick", "--quiet")
    proc = bench(
        "predict",
        "--dataset",
        "sms-spam",
        "--model",
        "nb",
        "--profile",
        "quick",
        "--json",
        "",
        "zzqxv qqzzk",
    )
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["known_tokens"] for d in docs] == [0, 0]
    assert proc.stderr.count("warning:") == 2


def test_an_edited_figure_does_not_pass_as_measured(tiny_home):
    from bench.results import InvalidResultError, load_run, run_path

    config = make_config("r8", "nb", profile="quick")
    result = run(config, results_dir=results_home(), quiet=True)
    path = run_path(results_home(), config, result.run_id)
    doc = json.loads(path.read_text())
    assert load_run(path).accuracy == doc["accuracy"]
    for field, value in (("accuracy", 0.25), ("test_predictions", [0] * result.test_size)):
        path.write_text(json.dumps({**doc, field: value}))
        with pytest.raises(InvalidResultError):
            load_run(path)


def test_a_file_of_another_task_in_runs_is_named(tiny_home):
    bench("run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick", "--quiet")
    stray = results_home() / "runs" / "r8__nb__english__quick__seed9__0000000000000000.json"
    stray.write_text('{"task": "garbage"}')
    proc = bench("report", "--markdown")
    assert proc.returncode == 0, proc.stderr
    assert stray.name in proc.stderr and "not a classification run" in proc.stderr


def test_a_grid_whose_stderr_is_closed_still_saves_every_run(tiny_home):
    import subprocess
    import sys

    from bench.results import load_run

    cmd = [
        sys.executable,
        "-m",
        "bench",
        "all",
        "--profile",
        "quick",
        "--datasets",
        "sms-spam",
        "--models",
        "nb",
        "tfidf-lr",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stderr.close()  # the reader of progress goes away at once
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0 and "report:" in out
    runs = sorted((results_home() / "runs").glob("*.json"))
    assert len(runs) == 2 and all(load_run(p).model in ("nb", "tfidf-lr") for p in runs)
