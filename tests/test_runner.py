"""The runner end to end on tiny datasets, and the result files it writes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.results import load_results, results_home
from bench.runner import make_config, result_path, run


@pytest.fixture
def nb_run(tiny_home):
    """``(config, result)`` of naive Bayes on the tiny IMDB files, seed 3."""
    config = make_config("imdb", "nb", profile="quick", seed=3)
    return config, run(config, results_dir=results_home(), quiet=True)


def test_nb_run_learns_the_tiny_reviews(nb_run):
    _, result = nb_run
    assert result.accuracy > 0.9  # the tiny reviews carry their label in signal words
    assert (result.train_size, result.test_size, len(result.test_predictions)) == (40, 40, 40)
    hits = np.equal(result.test_predictions, result.test_labels)
    assert result.accuracy == pytest.approx(hits.mean())  # the metric is the predictions' own


def test_nb_run_records_its_choices_and_provenance(nb_run):
    _, result = nb_run
    assert result.model_params["alpha"] in result.model_params["alphas_tried"]
    assert result.tokenizer["name"] == "english" and result.seed == 3
    assert "numpy" in result.versions and result.machine["cpu_count"]
    assert result.fit_seconds > 0 and result.predict_docs_per_s > 0 and result.peak_rss_mb > 10


def test_nb_run_is_saved_whole_under_runs(nb_run):
    config, result = nb_run
    path = result_path(config, results_home())
    assert path.parent == results_home() / "runs"
    stored = json.loads(path.read_text())
    assert stored["run_id"] == result.run_id and stored["accuracy"] == result.accuracy
    assert not list(path.parent.glob(".*.tmp"))  # nothing half-written left behind
    assert [r.run_id for r in load_results(results_home())] == [result.run_id]


def test_identity_changes_with_seed_params_and_data(tiny_home):
    a = result_path(make_config("r8", "nb", profile="quick", seed=0), results_home())
    b = result_path(make_config("r8", "nb", profile="quick", seed=1), results_home())
    c = result_path(
        make_config("r8", "nb", profile="quick", seed=0, params={"alpha": 1.0}), results_home()
    )
    assert len({a, b, c}) == 3
    (tiny_home / "r8" / "r8-test-all-terms.txt").write_text("earn\tchanged data\n")
    assert result_path(make_config("r8", "nb", profile="quick", seed=0), results_home()) != a


def test_profile_params_per_dataset_override_per_model(tiny_home, monkeypatch):
    from dataclasses import replace

    from bench import profiles
    from bench.runner import _resolve

    quick = profiles.PROFILES["quick"]
    tuned = replace(quick, dataset_params={"r8": {"lstm": {"units": 7}}})
    monkeypatch.setitem(profiles.PROFILES, "quick", tuned)
    assert tuned.params_for("lstm", "r8")["units"] == 7
    assert tuned.params_for("lstm", "imdb") == tuned.params_for("lstm") == quick.params_for("lstm")
    *_, params, _ = _resolve(make_config("r8", "lstm", profile="quick"))
    assert params["units"] == 7 and params["epochs"] == quick.params_for("lstm")["epochs"]
    *_, params, _ = _resolve(make_config("r8", "lstm", profile="quick", params={"units": 9}))
    assert params["units"] == 9  # --param still wins


def test_lstm_run_on_tiny_data(tiny_home):
    # a high learning rate: three epochs on 48 documents must already beat guessing the majority
    config = make_config(
        "r8", "lstm", profile="quick", params={"epochs": 3, "learning_rate": 0.02, "verbose": False}
    )
    result = run(config, quiet=True)
    assert result.family == "neural" and result.n_parameters > 0
    assert 1 <= len(result.history) <= 3
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(result.history[0])
    assert result.model_params["max_len"] >= 8
    assert len(result.test_predictions) == result.test_size == 48  # 6 per topic
    majority = np.bincount(result.test_labels).max() / result.test_size
    assert result.accuracy > majority
    assert result.accuracy == pytest.approx(
        np.equal(result.test_predictions, result.test_labels).mean()
    )


def test_bad_seed_is_rejected():
    with pytest.raises(ValueError):
        make_config("imdb", "nb", seed=-1)


@pytest.mark.parametrize("status, modified", [("", False), (" M bench/lm_task.py", True)])
def test_results_record_whether_the_code_was_edited(monkeypatch, status, modified):
    from bench import sysinfo

    outputs = {
        ("rev-parse", "HEAD"): "8899fb3",
        ("status", "--porcelain", "--untracked-files=no"): status,
    }
    monkeypatch.setattr(sysinfo, "_git", lambda *args: outputs[args])
    assert sysinfo.code_version() == {"code_commit": "8899fb3", "code_modified": modified}
    monkeypatch.setattr(
        sysinfo, "_git", lambda *args: None
    )  # not a git checkout (an installed wheel)
    assert sysinfo.code_version() == {"code_commit": None, "code_modified": None}


def test_results_record_the_cpu_generation(monkeypatch):
    from bench import sysinfo

    info = {
        "vendor_id": "AuthenticAMD",
        "cpu family": "26",
        "model": "2",
        "model name": "AMD EPYC",
        "flags": "fpu sse4_2 avx avx2 avx512f",
    }
    monkeypatch.setattr(sysinfo, "_cpuinfo", lambda: info)
    assert sysinfo.cpu_generation() == "AuthenticAMD family 26 model 2, avx512f"
    monkeypatch.setattr(sysinfo, "_cpuinfo", lambda: {**info, "flags": "fpu sse4_2 avx avx2"})
    assert sysinfo.cpu_generation() == "AuthenticAMD family 26 model 2, avx2"
    monkeypatch.setattr(sysinfo, "_cpuinfo", lambda: {})  # no /proc/cpuinfo (macOS)
    assert sysinfo.cpu_generation() is None


def test_a_slice_holds_exactly_the_documents_asked_for():
    from bench.datasets import Split
    from bench.slicing import stratified_slice as _slice

    labels = np.array([1] * 597 + [0] * 3862)  # the SMS training split's classes (4,459 messages)
    split = Split([f"m{i}" for i in range(len(labels))], labels)
    for limit in (500, 1000, 2000, 4458):  # 500 kept 499 when the left-out part was a fraction
        part = _slice(split, limit)
        assert len(part) == limit and len(set(part.texts)) == limit
        assert abs(part.labels.mean() - labels.mean()) < 0.01  # stratified
    assert _slice(split, 5000) is split
