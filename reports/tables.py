"""Result files -> pandas tables: one row per run, aggregated over seeds per configuration."""

from __future__ import annotations

import pandas as pd

from bench.results import RunResult


def runs_frame(results: list[RunResult]) -> pd.DataFrame:
    """One row per run with the columns the report shows."""
    rows = [{
        "dataset": r.dataset, "model": r.model, "family": r.family, "profile": r.profile,
        "seed": r.seed, "tokenizer": r.tokenizer.get("name", "?"), "accuracy": r.accuracy,
        "macro_f1": r.macro_f1, "fit_seconds": r.fit_seconds, "predict_docs_per_s": r.predict_docs_per_s,
        "peak_rss_mb": r.peak_rss_mb, "n_parameters": r.n_parameters, "train_size": r.train_size,
        "test_size": r.test_size, "run_id": r.run_id, "caps_note": r.caps_note,
        "finished_at": r.finished_at,
    } for r in results]
    return pd.DataFrame(rows)


def summary_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds for each (dataset, model, tokenizer, profile)."""
    keys = ["dataset", "model", "family", "tokenizer", "profile"]
    agg = runs.groupby(keys, dropna=False).agg(
        accuracy=("accuracy", "mean"), accuracy_std=("accuracy", "std"), macro_f1=("macro_f1", "mean"),
        fit_seconds=("fit_seconds", "mean"), predict_docs_per_s=("predict_docs_per_s", "mean"),
        peak_rss_mb=("peak_rss_mb", "max"), n_parameters=("n_parameters", "first"),
        train_size=("train_size", "first"), test_size=("test_size", "first"), seeds=("seed", "count"),
        run_ids=("run_id", lambda s: ", ".join(s)),
    ).reset_index()
    return agg.sort_values(["dataset", "accuracy"], ascending=[True, False])
