"""Models of one's own beside ours: ``--model package.module:Class``, installed entry points,
contract checks, and what a run file records about the class."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_cli import assert_one_line_error, bench

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
_PATH = os.environ.get("PYTHONPATH", "")
QUICK = ("--profile", "quick", "--no-lm", "--no-report")


def _on_path(monkeypatch, *folders: Path) -> None:
    """Put ``folders`` first on the PYTHONPATH that child processes (and grid children) inherit."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([*map(str, folders), str(ROOT), _PATH]))


def _runs(results: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in (results / "runs").glob("*.json")}


def test_builtin_runs_keep_their_identity_and_record_their_class(tiny_home):
    from bench.runner import _resolve, make_config

    *_, identity = _resolve(make_config("sms-spam", "nb", profile="quick"))
    assert set(identity) == {
        "dataset", "model", "tokenizer", "profile", "seed", "model_params", "data_sha256",
        "schema", "data_modified",
    }  # fmt: skip
    from bench.models import get_model, model_source

    source = model_source(get_model("nb"))
    assert (source["module"], source["class"]) == ("baselines.naive_bayes", "NaiveBayes")


def test_grid_runs_sklearn_and_keras_wrappers_beside_a_builtin(tiny_home, monkeypatch):
    _on_path(monkeypatch, EXAMPLES)
    models = ["nb", "your_models:SklearnPipeline", "your_models:KerasBag"]
    args = ("all", "--datasets", "sms-spam", "--models", *models, "--profile", "quick", "--no-lm")
    proc = bench(*args)
    assert proc.returncode == 0, proc.stderr
    assert "report:" in proc.stdout  # the report draws the family `plugin` too
    runs = {r["model"]: (name, r) for name, r in _runs(tiny_home.parent / "results").items()}
    assert sorted(runs) == sorted(models)
    name, sklearn_run = runs["your_models:SklearnPipeline"]
    assert ":" not in name and name.startswith("sms-spam__your_models-SklearnPipeline__")
    assert sklearn_run["family"] == "plugin"
    source = sklearn_run["model_source"]
    assert (source["module"], source["class"]) == ("your_models", "SklearnPipeline")
    assert source["distribution"] is None and len(source["sha256"]) == 64  # a loose module
    assert sklearn_run["identity"]["model_source"] == source  # an edit of it is a new run
    keras_run = runs["your_models:KerasBag"][1]
    assert keras_run["history"] and keras_run["n_parameters"] > 0 and keras_run["model_dir"]

    again = bench(*args)  # a plug-in's identity is stable: the grid resumes
    assert "3 of 3 runs already have results" in again.stderr, again.stderr
    pred = bench(
        "predict", "--dataset", "sms-spam", "--model", "your_models:KerasBag", "--profile",
        "quick", "--json", "great wonderful", "",
    )  # fmt: skip
    assert pred.returncode == 0, pred.stderr  # saved with save(), read back with load()
    answers = [json.loads(line) for line in pred.stdout.splitlines()]
    assert answers[1]["known_tokens"] == 0 and "is empty" in pred.stderr


PLUGIN = '''\
"""A classifier from another package."""

import numpy as np


class MyClassifier:
    """Predicts each class's training share, whatever the text."""

    def __init__(self, *, seed: int = 0, smoothing: float = 1.0):
        self.seed, self.smoothing = seed, smoothing

    def fit(self, docs, labels, n_classes, groups=None):
        counts = np.bincount(labels, minlength=n_classes) + self.smoothing
        self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, docs):
        return np.tile(self.prior_, (len(docs), 1))

    def params(self):
        return {"smoothing": self.smoothing}
'''


def _install(tmp_path: Path, version: str) -> Path:
    # each version into a folder of its own, as an upgraded environment holds only the new one
    pkg, site = tmp_path / f"pkg-{version}", tmp_path / f"site-{version}"
    pkg.mkdir()
    (pkg / "my_nlp_plugin.py").write_text(PLUGIN)
    (pkg / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "my-nlp-plugin"
        version = "{version}"

        [project.entry-points."nlp_bench.models"]
        my-clf = "my_nlp_plugin:MyClassifier"
        nb = "my_nlp_plugin:MyClassifier"

        [tool.setuptools]
        py-modules = ["my_nlp_plugin"]
        """)
    )
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation"]
    cmd += ["--no-index", "--disable-pip-version-check", "-q", "--target", str(site)]
    proc = subprocess.run([*cmd, str(pkg)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return site


def test_an_installed_package_adds_a_named_model(tiny_home, tmp_path, monkeypatch):
    _on_path(monkeypatch, _install(tmp_path, "0.3.1"))
    listing = bench("list", "--json")
    assert listing.returncode == 0, listing.stderr
    models = {m["name"]: m for m in json.loads(listing.stdout)["models"]}
    assert models["my-clf"]["family"] == "plugin"
    assert models["my-clf"]["source"] == "my_nlp_plugin:MyClassifier"
    assert models["my-clf"]["distribution"] == "my-nlp-plugin 0.3.1"
    assert models["nb"]["family"] == "classic"  # a built-in name stays the built-in model
    assert "plug-in model nb" in listing.stderr and "hidden by the built-in" in listing.stderr

    code = (
        "import sys; from bench.cli import build_parser;"
        "a = build_parser().parse_args(['list']); a.func(a);"
        "assert 'my_nlp_plugin' not in sys.modules"
    )
    light = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert light.returncode == 0, light.stderr  # listing names a plug-in without importing it

    grid = bench("all", "--datasets", "sms-spam", "--models", "my-clf", *QUICK)
    assert grid.returncode == 0, grid.stderr
    (old,) = _runs(tiny_home.parent / "results").values()
    assert old["model"] == "my-clf" and old["family"] == "plugin"
    assert old["model_source"] == {
        "module": "my_nlp_plugin",
        "class": "MyClassifier",
        "distribution": "my-nlp-plugin",
        "version": "0.3.1",
    }

    # a new version of the plug-in is a new run, never the old one
    _on_path(monkeypatch, _install(tmp_path, "0.4.0"))
    new = bench("run", "--dataset", "sms-spam", "--model", "my-clf", "--profile", "quick", "--json")
    assert new.returncode == 0, new.stderr
    new_run = json.loads(new.stdout)
    assert new_run["model_source"]["version"] == "0.4.0" and new_run["run_id"] != old["run_id"]


BAD = """\
import numpy as np


class NoProba:
    def __init__(self, *, seed=0):
        pass

    def fit(self, docs, labels, n_classes, groups=None):
        return self

    def params(self):
        return {}


def a_function():
    pass
"""


@pytest.mark.parametrize(
    "model, needles",
    [
        ("no_such_module:Model", ["cannot import module no_such_module", "No module named"]),
        ("broken_models:Model", ["importing module broken_models failed", "RuntimeError: boom"]),
        ("bad_models:Missing", ["module bad_models has no attribute Missing"]),
        ("bad_models:NoProba", ["bad_models:NoProba lacks predict_proba"]),
        ("bad_models:a_function", ["bad_models:a_function is a function, not a class"]),
        ("bad_models:", ["registered name or 'package.module:Class'"]),
        ("not-installed", ["unknown model 'not-installed'"]),
    ],
)
def test_a_bad_plugin_is_one_line_before_any_data_is_read(
    isolated, tmp_path, monkeypatch, capsys, model, needles
):
    from bench.cli import main

    (tmp_path / "bad_models.py").write_text(BAD)
    (tmp_path / "broken_models.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # the data home is empty: an error about the model means nothing was read first
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--dataset", "sms-spam", "--model", model, "--profile", "quick"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert_one_line_error(subprocess.CompletedProcess([], 2, "", err), *needles)
    assert not list((isolated / "results").rglob("*.json"))


def test_plugin_names_give_safe_run_file_names():
    from bench.results import RunConfig, run_path

    config = RunConfig("sms-spam", "pkg.sub:Outer.Inner", "english")
    assert run_path(Path("/r"), config, "0" * 16).name == (
        "sms-spam__pkg.sub-Outer.Inner__english__default__seed0__0000000000000000.json"
    )
    assert run_path(Path("/r"), RunConfig("imdb", "nb-bigram", "english"), "1" * 16).name == (
        "imdb__nb-bigram__english__default__seed0__1111111111111111.json"
    )
