"""The report's compute and provenance tables: run time per dataset and kind, runs per origin."""

from __future__ import annotations

import dataclasses

import pytest

from bench.results import write_json_atomic
from reports.compute import compute_tables, lm_own_seconds, provenance, wall_seconds
from reports.html import render_report
from reports.language_models import load_lm_results
from tests.synthetic_results import make_result, write_results

MACHINE = {
    "cpu": "test cpu",
    "cpu_count": 2,
    "code_commit": "abcdef0123456789",
    "code_modified": False,
}
VERSIONS = {"tensorflow": "2.21.0", "keras": "3.15.1"}


def test_wall_seconds():
    assert wall_seconds("2024-01-01T00:00:00+00:00", "2024-01-01T01:00:30+00:00") == 3630.0
    assert wall_seconds(None, "2024-01-01T00:00:00+00:00") is None
    assert wall_seconds("yesterday", "2024-01-01T00:00:00+00:00") is None


def test_lm_own_seconds_counts_shared_work_once():
    # an n-gram record's fit includes the counting every order shares
    assert lm_own_seconds({"fit_seconds": 12.0, "count_seconds": 10.0, "score_seconds": 3.0}) == 5.0
    assert lm_own_seconds({"fit_seconds": 100.0, "score_seconds": 20.0}) == 120.0  # a neural LM
    # the memory's fit includes its LM's fit, its score the LM's scoring: both are the LM run's
    knn = {
        "fit_seconds": 130.0,
        "base_fit_seconds": 100.0,
        "score_seconds": 70.0,
        "knn": {"own_score_seconds": 50.0},
    }
    assert lm_own_seconds(knn) == 80.0
    assert lm_own_seconds({"fit_seconds": 1.0}) is None


def test_provenance_names_machine_commit_and_libraries():
    line = provenance(MACHINE, VERSIONS)
    assert line == "test cpu × 2; commit abcdef0; TensorFlow 2.21.0, Keras 3.15.1"
    assert "(modified)" in provenance({**MACHINE, "code_modified": True}, VERSIONS)
    assert provenance(None, None) == "? × ?; commit unknown"
    assert provenance(
        {**MACHINE, "cpu_generation": "AuthenticAMD family 26 model 2, avx512f"}, {}
    ) == ("test cpu (AuthenticAMD family 26 model 2, avx512f) × 2; commit abcdef0")


def _lm_doc(
    dataset: str, model: str, order, fit: float, score: float, count: float | None, commit: str
):
    doc = {
        "task": "lm",
        "dataset": dataset,
        "model": model,
        "profile": "full",
        "seed": 0,
        "family": "classic" if order else "neural",
        "order": order,
        "smoothing": "mkn" if order else None,
        "perplexity": 100.0,
        "tokens": 1000,
        "fit_seconds": fit,
        "score_seconds": score,
        "tokenizer": {"name": "english"},
        "machine": {**MACHINE, "code_commit": commit},
        "versions": VERSIONS,
        "finished_at": "2024-01-02T00:00:00+00:00",
    }
    if count is not None:
        doc["count_seconds"] = count
    return doc


@pytest.fixture
def mixed_results(tmp_path):
    """Two classification runs from one commit (10 and 20 minutes) and an LM task from another."""
    runs = []
    for seed, minutes in ((0, 10), (1, 20)):
        r = make_result("imdb", "lstm", seed=seed, profile="full")
        runs.append(
            dataclasses.replace(
                r,
                machine=MACHINE,
                versions=VERSIONS,
                started_at="2024-01-01T00:00:00+00:00",
                finished_at=f"2024-01-01T00:{minutes:02d}:00+00:00",
            )
        )
    write_results(tmp_path, runs)
    for i, doc in enumerate(
        [
            _lm_doc("imdb", "ngram-mkn", 2, 70.0, 5.0, 60.0, "1111111aaaa"),
            _lm_doc("imdb", "ngram-mkn", 3, 80.0, 10.0, 60.0, "1111111aaaa"),
            _lm_doc("imdb", "lstm-lm", None, 3000.0, 600.0, None, "1111111aaaa"),
        ]
    ):
        write_json_atomic(tmp_path / "lm" / f"lm{i}.json", doc)
    return tmp_path, runs


def test_hours_per_dataset_task_and_family(mixed_results):
    results_dir, runs = mixed_results
    tables = compute_tables(runs, load_lm_results(results_dir))
    rows = {(r["task"], r["family"]): r for r in tables["rows"]}
    assert rows[("classification", "neural")]["runs"] == 2
    assert rows[("classification", "neural")]["hours"] == pytest.approx(0.5)
    # n-gram: (70 - 60 + 5) + (80 - 60 + 10) own, plus the 60 s of counting once
    assert rows[("language model", "classic")]["runs"] == 2
    assert rows[("language model", "classic")]["hours"] == pytest.approx((15 + 30 + 60) / 3600)
    assert rows[("language model", "neural")]["hours"] == pytest.approx(1.0)
    total = tables["total"]
    assert total["runs"] == 5 and total["untimed"] == 0
    assert total["hours"] == pytest.approx(0.5 + 105 / 3600 + 1.0)


def test_runs_are_traced_to_each_origin(mixed_results):
    results_dir, runs = mixed_results
    origins = {
        o["provenance"]: o for o in compute_tables(runs, load_lm_results(results_dir))["provenance"]
    }
    assert set(origins) == {
        "test cpu × 2; commit abcdef0; TensorFlow 2.21.0, Keras 3.15.1",
        "test cpu × 2; commit 1111111; TensorFlow 2.21.0, Keras 3.15.1",
    }
    assert origins["test cpu × 2; commit abcdef0; TensorFlow 2.21.0, Keras 3.15.1"]["runs"] == 2
    lm_origin = origins["test cpu × 2; commit 1111111; TensorFlow 2.21.0, Keras 3.15.1"]
    assert lm_origin["runs"] == 3 and lm_origin["hours"] == pytest.approx((15 + 30 + 3600) / 3600)


def test_page_shows_compute_and_every_origin(mixed_results):
    results_dir, _ = mixed_results
    html = render_report(results_dir).read_text(encoding="utf-8")
    assert "Compute and provenance" in html
    assert "5 runs on this page took <strong>1.53 hours</strong>" in html
    assert "commit abcdef0" in html and "commit 1111111" in html
