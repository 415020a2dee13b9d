"""Result files -> pandas tables: one row per run, aggregated over seeds per configuration.

Runs whose configuration caps the training data (``max_train``: data-efficiency and scaling
points) are kept out of the main tables and summarised per training size by ``size_frame``.
"""

from __future__ import annotations

import pandas as pd

from bench.results import RunResult

CONFIG_KEYS = ["dataset", "model", "family", "tokenizer", "profile"]


def _per_s(count: float, seconds: float | None) -> float | None:
    return count / seconds if seconds and seconds > 0 else None


def runs_frame(results: list[RunResult]) -> pd.DataFrame:
    """One row per run with the columns the report shows."""
    rows = [
        {
            "dataset": r.dataset,
            "model": r.model,
            "family": r.family,
            "profile": r.profile,
            "seed": r.seed,
            # marked, and so never averaged with runs on the published data
            "tokenizer": r.tokenizer.get("name", "?")
            + (", modified data" if r.data_modified else ""),
            "language": r.language,
            "accuracy": r.accuracy,
            "macro_f1": r.macro_f1,
            "fit_seconds": r.fit_seconds,
            "predict_docs_per_s": r.predict_docs_per_s,
            "peak_rss_mb": r.peak_rss_mb,
            "fit_memory_mb": r.fit_memory_mb,
            "n_parameters": r.n_parameters,
            "model_bytes": r.model_bytes,
            "train_size": r.train_size,
            "test_size": r.test_size,
            "tokenize_seconds": r.tokenize_seconds,
            # the analyzer's own speed: cold (uncached) seconds where the run recorded them
            "tokenize_cold_seconds": getattr(r, "tokenize_cold_seconds", None),
            "tokenize_cache_hit": getattr(r, "tokenize_cache_hit", None),
            "tokenize_docs_per_s": getattr(r, "tokenize_docs_per_s", None)
            or _per_s(r.train_size + r.test_size, r.tokenize_seconds),
            "max_train": r.max_train,
            "sized": r.max_train is not None,
            "run_id": r.run_id,
            "caps_note": r.caps_note,
            "finished_at": r.finished_at,
        }
        for r in results
    ]
    columns = list(rows[0]) if rows else CONFIG_KEYS + ["accuracy", "sized"]
    return pd.DataFrame(rows, columns=columns)


def summary_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds for each (dataset, model, tokenizer, profile), from
    the runs on the profile's own data (sized runs left out)."""
    main = runs[~runs["sized"].astype(bool)]
    if main.empty:
        return pd.DataFrame(columns=CONFIG_KEYS + ["accuracy"])
    agg = (
        main.groupby(CONFIG_KEYS, dropna=False)
        .agg(
            accuracy=("accuracy", "mean"),
            accuracy_std=("accuracy", "std"),
            macro_f1=("macro_f1", "mean"),
            fit_seconds=("fit_seconds", "mean"),
            predict_docs_per_s=("predict_docs_per_s", "mean"),
            peak_rss_mb=("peak_rss_mb", "max"),
            n_parameters=("n_parameters", "first"),
            model_bytes=("model_bytes", "first"),
            train_size=("train_size", "first"),
            test_size=("test_size", "first"),
            seeds=("seed", "count"),
            tokenize_seconds=("tokenize_seconds", "mean"),
            tokenize_docs_per_s=("tokenize_docs_per_s", "mean"),
            tokenize_cold_seconds=("tokenize_cold_seconds", "max"),
            run_ids=("run_id", lambda s: ", ".join(s)),
        )
        .reset_index()
    )
    return agg.sort_values(["dataset", "accuracy"], ascending=[True, False]).reset_index(drop=True)


def size_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean and std over seeds per (configuration, training size), for the configurations that
    have sized runs: the points of the data-efficiency and scaling curves (the uncapped run of
    the same configuration is the last point)."""
    swept = runs[runs["sized"].astype(bool)][CONFIG_KEYS].drop_duplicates()
    if swept.empty:
        return pd.DataFrame(columns=CONFIG_KEYS + ["train_size", "accuracy"])
    points = runs.merge(swept, on=CONFIG_KEYS)
    agg = (
        points.groupby(CONFIG_KEYS + ["train_size"], dropna=False)
        .agg(
            accuracy=("accuracy", "mean"),
            accuracy_std=("accuracy", "std"),
            fit_seconds=("fit_seconds", "mean"),
            peak_rss_mb=("peak_rss_mb", "mean"),
            fit_memory_mb=("fit_memory_mb", "mean"),
            tokenize_seconds=("tokenize_seconds", "mean"),
            seeds=("seed", "count"),
        )
        .reset_index()
    )
    n_sizes = agg.groupby(CONFIG_KEYS)["train_size"].transform("nunique")
    return agg[n_sizes >= 2].sort_values(CONFIG_KEYS + ["train_size"]).reset_index(drop=True)
