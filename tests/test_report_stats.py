"""Statistics behind the report: McNemar's test by hand, the Pareto front, the advice, the
classic-vs-neural pairing, and which runs go into which table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bench.stats import mcnemar
from reports.advice import pareto_front, recommendations
from reports.significance import classic_vs_neural
from reports.tables import runs_frame, size_frame, summary_frame
from tests.synthetic_results import make_result


def _pairs(b: int, c: int, both_right: int = 5, both_wrong: int = 2):
    """Predictions of A and B on binary labels with b (A only right) and c (B only right)."""
    labels = [1] * (b + c + both_right + both_wrong)
    a = [1] * b + [0] * c + [1] * both_right + [0] * both_wrong
    bb = [0] * b + [1] * c + [1] * both_right + [0] * both_wrong
    return a, bb, labels


def test_mcnemar_exact_by_hand():
    # b=3, c=9, n=12: P(X <= 3 | Bin(12, 1/2)) = (1 + 12 + 66 + 220) / 4096 = 299/4096; two-sided x2
    res = mcnemar(*_pairs(3, 9))
    assert (res.a_only, res.b_only, res.method) == (3, 9, "exact binomial")
    assert res.p_value == pytest.approx(2 * 299 / 4096)
    assert res.n == 19 and not res.significant()


def test_mcnemar_chi_square_with_continuity_correction_by_hand():
    # b=10, c=30: (|10-30| - 1)^2 / 40 = 9.025; survival of chi2(1) = erfc(sqrt(9.025 / 2))
    res = mcnemar(*_pairs(10, 30))
    assert res.method.startswith("chi-square") and res.statistic == pytest.approx(9.025)
    assert res.p_value == pytest.approx(math.erfc(math.sqrt(9.025 / 2)))
    assert res.significant()


def test_mcnemar_identical_models_and_bad_input():
    res = mcnemar([0, 1, 1], [0, 1, 1], [0, 1, 0])
    assert res.p_value == 1.0 and res.a_only == res.b_only == 0
    with pytest.raises(ValueError):
        mcnemar([0, 1], [0], [0, 1])


def _table(rows):
    return pd.DataFrame(rows, columns=["model", "tokenizer", "family", "accuracy", "fit_seconds"])


def test_pareto_front_and_recommendations():
    table = _table(
        [
            ("nb", "en", "classic", 0.83, 1.0),
            ("nbsvm", "en", "classic", 0.90, 4.0),
            ("lstm", "en", "neural", 0.895, 200.0),
            ("slow-bad", "en", "neural", 0.80, 50.0),
        ]
    )
    assert pareto_front(table)["model"].tolist() == ["nb", "nbsvm"]
    by_why = {p["why"]: p["model"] for p in recommendations(table)}
    assert by_why["most accurate"] == "nbsvm"
    assert by_why["most accuracy per second of training"] == "nb"
    assert by_why["cheapest to train within 1 point of the best"] == "nbsvm"
    assert recommendations(_table([])) == []


def test_cheapest_within_a_point_prefers_the_cheaper_near_tie():
    table = _table([("lstm", "en", "neural", 0.900, 300.0), ("nbsvm", "en", "classic", 0.893, 5.0)])
    by_why = {p["why"]: p["model"] for p in recommendations(table)}
    assert by_why["most accurate"] == "lstm"
    assert by_why["cheapest to train within 1 point of the best"] == "nbsvm"


def test_classic_vs_neural_uses_same_seed_and_checks_test_sets():
    results = [make_result("imdb", "nb", seed=s, accuracy=0.80) for s in (0, 1)]
    results += [make_result("imdb", "lstm", seed=1, accuracy=0.95)]
    summary = summary_frame(runs_frame(results))
    out = classic_vs_neural(summary, results)
    assert out["comparable"] and out["seeds"] == "seed 1"
    assert "neural model is significantly better" in out["verdict"]
    other = [results[0], make_result("imdb", "lstm", accuracy=0.9, labels_seed=7)]
    out = classic_vs_neural(summary_frame(runs_frame(other)), other)
    assert not out["comparable"] and "not comparable" in out["verdict"]
    only_classic = results[:2]
    assert classic_vs_neural(summary_frame(runs_frame(only_classic)), only_classic) is None


def test_sized_runs_stay_out_of_main_table_and_form_curves():
    results = [make_result("imdb", "nb", seed=s, accuracy=0.8) for s in (0, 1)]
    results += [make_result("imdb", "nb", max_train=n, accuracy=0.7) for n in (100, 500)]
    results += [make_result("imdb", "lstm", accuracy=0.7)]  # no sweep: no curve
    runs = runs_frame(results)
    summary = summary_frame(runs)
    nb = summary[summary["model"] == "nb"].iloc[0]
    full_nb = runs[~runs["sized"] & (runs["model"] == "nb")]
    assert nb["seeds"] == 2 and nb["accuracy"] == pytest.approx(full_nb["accuracy"].mean())
    points = size_frame(runs)
    assert points["model"].unique().tolist() == ["nb"]
    assert points["train_size"].tolist() == [100, 500, 2000]  # the uncapped run is the last point
