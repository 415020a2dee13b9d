""" "Which model should I use?": the accuracy/cost trade-off of each dataset in a few lines.

Computed from the per-configuration summary (mean over seeds): the most accurate model, the one
giving the most accuracy per second of training, the cheapest to train within one accuracy point
of the best, and the Pareto front of accuracy against training time.
"""

from __future__ import annotations

import pandas as pd

WITHIN = 0.01  # "within one point" of the best accuracy


def pareto_front(
    table: pd.DataFrame, cost: str = "fit_seconds", gain: str = "accuracy"
) -> pd.DataFrame:
    """Rows no other row beats on both cost (lower) and gain (higher), cheapest first."""
    ordered = table.dropna(subset=[cost, gain]).sort_values([cost, gain], ascending=[True, False])
    keep, best = [], float("-inf")
    for idx, row in ordered.iterrows():
        if row[gain] > best:
            keep.append(idx)
            best = row[gain]
    return ordered.loc[keep]


def _pick(row: pd.Series, why: str) -> dict:
    return {
        "why": why,
        "model": row["model"],
        "tokenizer": row["tokenizer"],
        "family": row["family"],
        "accuracy": float(row["accuracy"]),
        "fit_seconds": float(row["fit_seconds"]),
        "predict_docs_per_s": row.get("predict_docs_per_s"),
        "peak_rss_mb": row.get("peak_rss_mb"),
    }


def recommendations(table: pd.DataFrame) -> list[dict]:
    """The three picks for one dataset's summary rows (empty for an empty table)."""
    table = table.dropna(subset=["accuracy"])
    if table.empty:
        return []
    best = table.loc[table["accuracy"].idxmax()]
    timed = table[table["fit_seconds"] > 0]
    picks = [_pick(best, "most accurate")]
    if not timed.empty:
        per_s = timed["accuracy"] / timed["fit_seconds"]
        picks.append(_pick(timed.loc[per_s.idxmax()], "most accuracy per second of training"))
        close = timed[timed["accuracy"] >= best["accuracy"] - WITHIN]
        if not close.empty:
            picks.append(
                _pick(
                    close.loc[close["fit_seconds"].idxmin()],
                    f"cheapest to train within {WITHIN * 100:.0f} point of the best",
                )
            )
    return picks
