"""The command line as a user types it: JSON contracts, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def bench(
    *args: str, env_extra: dict | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0]


def test_list_json(tiny_home):
    proc = bench("list", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    by_name = {d["name"]: d for d in doc["datasets"]}
    assert {
        "imdb",
        "nsmc",
        "r8",
        "sms-spam",
        "20newsgroups",
        "clothing-reviews",
        "reuters46",
    } <= set(by_name)
    assert by_name["nsmc"]["language"] == "ko" and by_name["r8"]["n_classes"] == 8
    assert by_name["imdb"]["task"] == "sentiment" and by_name["imdb"]["train_size"] == 40
    assert {"nb", "lstm"} <= {m["name"] for m in doc["models"]}
    assert {"english", "korean-ws"} <= {t["name"] for t in doc["tokenizers"]}


def test_list_without_files_has_no_sizes(isolated):
    doc = json.loads(bench("list", "--json").stdout)
    assert all("train_size" not in d for d in doc["datasets"])


def test_list_imports_neither_tensorflow_nor_a_jvm(tiny_home):
    code = (
        "import sys; from bench.cli import build_parser;"
        "a = build_parser().parse_args(['list', '--json']);"
        "a.func(a); import baselines.naive_bayes;"
        "bad = [m for m in ('tensorflow', 'keras', 'jpype') if m in sys.modules];"
        "assert not bad, bad"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_run_json_contract(tiny_home):
    proc = bench(
        "run",
        "--dataset",
        "sms-spam",
        "--model",
        "nb",
        "--profile",
        "quick",
        "--seed",
        "2",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    for key in (
        "dataset",
        "model",
        "profile",
        "seed",
        "train_size",
        "test_size",
        "accuracy",
        "macro_f1",
        "fit_seconds",
        "predict_seconds",
        "peak_rss_mb",
    ):
        assert key in result
    assert result["dataset"] == "sms-spam" and result["seed"] == 2 and result["profile"] == "quick"


@pytest.mark.parametrize(
    "args,needles",
    [
        (("run", "--dataset", "imbd", "--model", "nb"), ("unknown dataset 'imbd'", "'imdb'")),
        (("run", "--dataset", "imdb", "--model", "lstn"), ("unknown model 'lstn'", "'lstm'")),
        (
            ("run", "--dataset", "imdb", "--model", "nb", "--profile", "quik"),
            ("unknown profile", "'quick'"),
        ),
        (("run", "--dataset", "imdb", "--model", "nb", "--param", "alpha"), ("KEY=VALUE",)),
        (
            ("run", "--dataset", "sms-spam", "--model", "nb", "--param", "alpah=1"),
            ("bad parameters for nb", "alpah"),
        ),
        (
            ("run", "--dataset", "sms-spam", "--model", "nb", "--param", "ngram=two"),
            ("bad parameters for nb", "ngram takes int, got 'two'"),
        ),
        (
            ("run", "--dataset", "sms-spam", "--model", "nb", "--param", "alpha=-1"),
            ("bad parameters for nb", "alpha must be > 0, got -1"),
        ),
        (
            ("run", "--dataset", "sms-spam", "--model", "lstm", "--param", "units=many"),
            ("bad parameters for lstm", "units takes int, got 'many'"),
        ),
        (
            ("run", "--dataset", "sms-spam", "--model", "gru", "--param", "ema_momentum=1.5"),
            ("bad parameters for gru", "ema_momentum must be between 0 and 1"),
        ),
        (
            ("lm", "--datasets", "sms-spam", "--profile", "quick", "--neural", "lstm"),
            ("unknown neural language model 'lstm'", "'lstm-lm'"),
        ),
        (("lm", "--datasets", "sms-spam", "--profile", "ful"), ("unknown profile 'ful'", "'full'")),
        (
            ("run", "--dataset", "r8", "--model", "nb", "--max-train", "5"),
            ("slice of 5 documents cannot hold one of each of the 8 classes",),
        ),
    ],
)
def test_bad_names_are_one_line_errors(tiny_home, args, needles):
    assert_one_line_error(bench(*args), *needles)


@pytest.mark.parametrize(
    "args, needle",
    [
        (
            ("all", "--seeds", "0", "-1"),
            "argument --seeds: a seed is a non-negative integer, got '-1'",
        ),
        (
            ("run", "--dataset", "imdb", "--model", "nb", "--seed", "x"),
            "argument --seed: a seed is a non-negative",
        ),
        (
            ("run", "--dataset", "imdb", "--model", "nb", "--max-train", "0"),
            "argument --max-train: a number of documents is a positive integer, got '0'",
        ),
    ],
)
def test_bad_numbers_are_usage_errors(args, needle):
    proc = bench(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert needle in proc.stderr.strip().splitlines()[-1]


def test_missing_data_is_one_line_error(isolated):
    proc = bench("run", "--dataset", "r8", "--model", "nb")
    assert_one_line_error(proc, "r8-train-all-terms.txt", "BENCH_DATA_HOME")
    assert proc.returncode == 2


def test_data_command_reports_status(tiny_home):
    proc = bench("data", "imdb", "nsmc")
    assert "checksum mismatch" in proc.stdout  # the tiny files are not the published ones
    (tiny_home / "nsmc" / "ratings_test.txt").unlink()
    proc = bench("data", "nsmc")
    assert "missing" in proc.stdout and proc.returncode == 1


def test_all_runs_grid_writes_report_and_resumes(tiny_home):
    args = ("all", "--profile", "quick", "--datasets", "r8", "sms-spam", "--models", "nb", "lstm")
    first = bench(*args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "[4/4]" in first.stderr
    report = tiny_home.parent / "results" / "report" / "index.html"
    html = report.read_text()
    assert "r8" in html and "sms-spam" in html and "lstm" in html
    assert len(list((tiny_home.parent / "results" / "runs").glob("*.json"))) == 4
    again = bench(*args)
    assert again.returncode == 0 and "4 of 4 runs already have results" in again.stderr
    assert "[1/" not in again.stderr
