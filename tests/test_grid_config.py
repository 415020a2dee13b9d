"""``bench all --config grid.toml``: the file checked key by key, flags over the file, the
tokenizers and parameters reaching each run, the resolved grid stored and shown in the report."""

from __future__ import annotations

import json
import os
import signal
import textwrap

import pytest

from bench import orchestrate
from bench.grid import GridOutcome, plan
from bench.grid_config import (
    DATASETS_FILE_ENV,
    GridConfig,
    GridConfigError,
    load_grid_config,
    parse_grid_config,
)
from bench.results import load_results, results_home
from tests.test_cli import assert_one_line_error, bench

GOOD = """\
profile = "quick"
datasets = ["sms-spam", "nsmc"]
models = ["nb", "nb-bigram"]
seeds = [0, 3]
tokenizers = { ko = ["korean-ws", "kiwi"] }
max_train = 500
lm = false
datasets_file = "mine.toml"

[params.nb]
alpha = 0.5
"""


def _write(tmp_path, text: str, name: str = "grid.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def no_datasets_file(monkeypatch):
    """The datasets-file variable a grid file sets is undone after the test."""
    monkeypatch.delenv(DATASETS_FILE_ENV, raising=False)


def test_a_grid_file_is_read_into_typed_fields(tmp_path, no_datasets_file):
    config = load_grid_config(_write(tmp_path, GOOD))
    assert config.profile == "quick" and config.datasets == ("sms-spam", "nsmc")
    assert config.models == ("nb", "nb-bigram") and config.seeds == (0, 3)
    assert config.tokenizers == {"ko": ("korean-ws", "kiwi")}
    assert config.params == {"nb": {"alpha": 0.5}} and config.max_train == 500
    assert config.lm is False and config.source == str((tmp_path / "grid.toml").resolve())
    # a relative datasets file is the grid file's neighbour, and reaches the grid's children
    assert config.datasets_file == str(tmp_path / "mine.toml")
    assert os.environ[DATASETS_FILE_ENV] == str(tmp_path / "mine.toml")


@pytest.mark.parametrize(
    "text, needles",
    [
        ("model = ['nb']", ["unknown key 'model'", "Did you mean 'models'?"]),
        ("seeds = 0", ["seeds must be a non-empty list of non-negative integers"]),
        ("seeds = [-1]", ["seeds must be"]),
        ("datasets = []", ["datasets must be a non-empty list of names"]),
        ("datasets = ['imbd']", ["datasets: unknown dataset 'imbd'", "Did you mean 'imdb'?"]),
        ("models = ['nb', 'lstn']", ["models: unknown model 'lstn'"]),
        ("profile = 'quik'", ["profile: unknown profile 'quik'"]),
        ("max_train = 0", ["max_train must be a positive integer"]),
        ("lm = 'no'", ["lm must be true or false"]),
        ("tokenizers = { ko = 'mecab' }", ["tokenizers must be a table of language"]),
        ("tokenizers = { fr = ['english'] }", ["tokenizers: unknown language 'fr'"]),
        ("tokenizers = { ko = ['mecabb'] }", ["tokenizers.ko: unknown tokenizer 'mecabb'"]),
        ("tokenizers = { en = ['kiwi'] }", ["tokenizers.en: kiwi is a tokenizer for Korean"]),
        ("[params]\nnb = 3", ["params must be a table of [params.<model>] tables"]),
        ("[params.nbb]\nalpha = 1.0", ["params: unknown model 'nbb'"]),
        ("[params.nb]\nalpha = 'big'", ["params.nb:", "alpha"]),
        ("[params.nb]\nalphaa = 1.0", ["params.nb:", "alphaa"]),
        ("models = ['nb'", ["not valid TOML"]),
    ],
)
def test_each_bad_grid_file_is_one_line_naming_file_and_key(
    tmp_path, no_datasets_file, text, needles
):
    path = _write(tmp_path, text)
    with pytest.raises(GridConfigError) as err:
        load_grid_config(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    for needle in needles:
        assert needle in message


def test_a_missing_grid_file_is_one_line(tmp_path):
    with pytest.raises(GridConfigError, match="cannot read grid file .*nothere.toml"):
        load_grid_config(tmp_path / "nothere.toml")


@pytest.mark.parametrize(
    "text, needle",
    [("datasets = ['imbd']", "datasets: unknown dataset 'imbd'"), ("seeds = 'x'", "seeds must")],
)
def test_bench_all_with_a_bad_grid_file_exits_2_and_writes_nothing(isolated, text, needle):
    path = _write(isolated, text)
    proc = bench("all", "--config", str(path))
    assert proc.returncode == 2
    assert_one_line_error(proc, str(path), needle)
    assert not any((isolated / "results").iterdir())  # nothing written


def test_flags_override_the_file(tiny_home, monkeypatch, tmp_path):
    from bench.cli import main

    planned, commands = [], []

    def run_grid(configs, results_dir, *, force=False, executor=None):
        planned.extend(configs)
        return GridOutcome()

    monkeypatch.setattr(orchestrate, "run_grid", run_grid)
    monkeypatch.setattr(orchestrate, "run_child", lambda cmd, *a: commands.append(cmd) or (0, ""))
    grid = _write(
        tmp_path,
        """\
        profile = "default"
        datasets = ["r8"]
        models = ["nb-bigram"]
        seeds = [5]
        lm = true
        """,
    )
    flags = ["--profile", "quick", "--datasets", "sms-spam", "--models", "nb", "--seeds", "1"]
    flags += ["--jobs", "1"]  # the LM step's children one at a time, through run_child
    previous = signal.getsignal(signal.SIGTERM)  # main() turns SIGTERM into KeyboardInterrupt
    try:
        with pytest.raises(SystemExit) as done:
            main(["all", "--config", str(grid), *flags])
        assert done.value.code == 0
        # the file's lm = true runs the LM task though its models narrow the grid ...
        assert [c[c.index("--datasets") + 1] for c in commands] == ["sms-spam"]
        assert [(c.profile, c.dataset, c.model, c.seed) for c in planned] == [
            ("quick", "sms-spam", "nb", 1)
        ]
        commands.clear()
        with pytest.raises(SystemExit):  # ... and --no-lm overrides it
            main(["all", "--config", str(grid), *flags, "--no-lm"])
        assert commands == []
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_file_tokenizers_run_every_pair_of_their_language_once_per_tokenizer(isolated):
    configs = plan(
        ["nsmc", "sms-spam"], ["nb", "nb-bigram"], [0], "quick", tokenizers={"ko": ["kiwi", "okt"]}
    )
    runs = sorted((c.dataset, c.model, c.tokenizer) for c in configs)
    assert runs == [
        ("nsmc", "nb", "kiwi"),
        ("nsmc", "nb", "okt"),
        ("nsmc", "nb-bigram", "kiwi"),
        ("nsmc", "nb-bigram", "okt"),
        ("sms-spam", "nb", "english"),
        ("sms-spam", "nb-bigram", "english"),
    ]
    # without them, only (nsmc, nb) compares the profile's Korean analyzers
    default = plan(["nsmc"], ["nb", "nb-bigram"], [0], "quick")
    assert sorted(c.tokenizer for c in default if c.model == "nb-bigram") == ["korean-ws"]
    assert len([c for c in default if c.model == "nb"]) > 1


def test_params_override_the_profile_in_the_plan_for_their_model_only(isolated):
    configs = plan(["sms-spam"], ["nb", "nb-bigram"], [0], "quick", params={"nb": {"alpha": 0.5}})
    assert {c.model: dict(c.params) for c in configs} == {"nb": {"alpha": 0.5}, "nb-bigram": {}}


def test_a_dict_parses_as_a_file_does(no_datasets_file):
    config = parse_grid_config({"models": ["nb"], "seeds": [2]}, "config")
    assert config == GridConfig(models=("nb",), seeds=(2,))
    with pytest.raises(GridConfigError, match=r"^config: unknown key 'epochs'"):
        parse_grid_config({"epochs": 2}, "config")


def test_a_grid_file_runs_with_its_params_stores_its_resolved_grid_and_reports_it(tiny_home):
    results = results_home()
    grid = _write(
        tiny_home.parent,
        """\
        profile = "quick"
        datasets = ["sms-spam"]
        models = ["nb"]
        seeds = [0]
        lm = false
        [params.nb]
        alpha = 0.25
        """,
    )
    proc = bench("all", "--config", str(grid), "--seeds", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (run,) = load_results(results)
    assert run.seed == 1 and run.model_params["alpha"] == 0.25  # the grid's child got --param
    assert run.identity["model_params"] == {"alpha": 0.25}
    (record,) = (results / "grids").glob("*.json")
    stored = json.loads(record.read_text())
    assert stored["seeds"] == [1] and stored["params"] == {"nb": {"alpha": 0.25}}
    assert stored["tokenizers"] == {"en": ["english"]} and stored["runs"] == 1
    assert stored["config_file"] == str(grid) and stored["lm"] is False
    html = (results / "report" / "index.html").read_text()
    assert 'id="grid-configuration"' in html and "nb: alpha=0.25" in html and str(grid) in html
    # a resumed grid replaces its record: each grid is listed once, at its latest run
    again = bench("all", "--config", str(grid), "--seeds", "1", "--no-report")
    assert again.returncode == 0 and "1 of 1 runs already have results" in again.stderr
    assert len(list((results / "grids").glob("*.json"))) == 1
