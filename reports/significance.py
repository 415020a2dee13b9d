"""Per dataset: is the best neural model really better (or worse) than the best classic one?

McNemar's test (``bench.stats``) on the stored test-set predictions of one run of each, with the
same seed where both have it. The test needs the same test examples in the same order: the runs'
stored ``test_labels`` must be equal, or the pair is reported as not comparable.
"""

from __future__ import annotations

import pandas as pd

from bench.results import RunResult
from bench.stats import mcnemar


def _best(table: pd.DataFrame, family: str) -> pd.Series | None:
    rows = table[table["family"] == family].dropna(subset=["accuracy"])
    return None if rows.empty else rows.loc[rows["accuracy"].idxmax()]


def _runs_of(row: pd.Series, results: list[RunResult]) -> dict[int, RunResult]:
    ids = set(str(row["run_ids"]).split(", "))
    return {r.seed: r for r in results if r.run_id in ids}


def classic_vs_neural(
    table: pd.DataFrame, results: list[RunResult], alpha: float = 0.05
) -> dict | None:
    """The test between one dataset's best classic and best neural configuration, or ``None`` if
    the dataset lacks either family."""
    classic, neural = _best(table, "classic"), _best(table, "neural")
    if classic is None or neural is None:
        return None
    runs_c, runs_n = _runs_of(classic, results), _runs_of(neural, results)
    common = sorted(set(runs_c) & set(runs_n))
    seed_c, seed_n = (common[0], common[0]) if common else (min(runs_c), min(runs_n))
    a, b = runs_c[seed_c], runs_n[seed_n]
    out = {
        "classic": f"{a.model} ({a.tokenizer.get('name', '?')})",
        "neural": f"{b.model} ({b.tokenizer.get('name', '?')})",
        "seeds": f"seed {seed_c}" if seed_c == seed_n else f"seeds {seed_c} and {seed_n}",
        "classic_accuracy": a.accuracy,
        "neural_accuracy": b.accuracy,
        "alpha": alpha,
    }
    if (
        not a.test_labels
        or a.test_labels != b.test_labels
        or len(a.test_predictions) != len(b.test_predictions)
    ):
        return {
            **out,
            "comparable": False,
            "verdict": "not comparable: the two runs were not scored on the same test examples",
        }
    test = mcnemar(a.test_predictions, b.test_predictions, a.test_labels)
    if not test.significant(alpha):
        verdict = f"no significant difference (p = {test.p_value:.3g} ≥ {alpha})"
    else:
        winner = "classic" if test.a_only > test.b_only else "neural"
        verdict = f"the {winner} model is significantly better (p = {test.p_value:.3g} < {alpha})"
    return {**out, "comparable": True, "verdict": verdict, **test.to_dict()}
