"""Language-model results for the report: perplexity against n-gram order and smoothing.

The report reads one ``bench.lm_results.LMResult`` JSON file per language-model run from
``<results>/lm/`` (where ``bench lm`` writes them) or ``<results>/runs/``, and one
``LMScaleResult`` per n-gram scaling point from ``<results>/lm_scale/``. Each file is validated
(``from_dict``: field types, schema version, run id against identity); one that fails is left out
and named in a warning and in the report's note on what was left out, never dropped silently.
A record needs at least ``task`` ("lm"), ``dataset``, ``model``, ``perplexity`` and ``tokens``;
``family`` defaults to "classic" for runs with an n-gram ``order``, "neural" otherwise, and
``profile`` to "default". Stupid backoff gives scores, not probabilities: its runs carry
``"perplexity": null`` and are left out. Until such files exist the report says so instead of
drawing the plot.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd

from bench.lm_results import InvalidResultError, LMResult, LMScaleResult
from bench.results import config_key
from reports.compute import lm_own_seconds, provenance

COLUMNS = [
    "dataset",
    "profile",
    "seed",
    "model",
    "family",
    "order",
    "smoothing",
    "perplexity",
    "perplexity_excl_oov",
    "oov",
    "tokens",
    "fit_seconds",
    "tokenizer",
    "seen_ngram_share",
    "score_seconds",
    "tokens_per_s_scoring",
    "n_parameters",
    "model_bytes",
    "count_seconds",
    "finished_at",
    "own_seconds",
    "provenance",
    "config",
    "samples",
    "history",
]


class InvalidResultWarning(UserWarning):
    """A stored result file the report left out because it failed validation."""


def _read(paths, cls, task: str) -> tuple[list, list[str]]:
    """The results of type ``cls`` among ``paths`` (files of another task are not ours), and one
    line per file of this task that cannot be read or fails validation."""
    results, problems = [], []
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{path.parent.name}/{path.name} (unreadable: {exc})")
            continue
        if not isinstance(doc, dict) or doc.get("task") != task:
            continue  # a classification run, or not a result at all
        try:
            results.append(cls.from_dict(doc))
        except InvalidResultError as exc:
            problems.append(f"{path.parent.name}/{path.name} ({exc})")
    return results, problems


def read_lm_results(results_dir: Path) -> tuple[list[LMResult], list[str]]:
    """Every valid language-model result in ``<results>/runs`` and ``<results>/lm``, and one line
    naming each file left out (and why)."""
    paths = [p for folder in ("runs", "lm") for p in sorted((results_dir / folder).glob("*.json"))]
    return _read(paths, LMResult, LMResult.TASK)


def _warn(problems: list[str]) -> None:
    for problem in problems:
        warnings.warn(
            f"left out a result file that fails validation: {problem}",
            InvalidResultWarning,
            stacklevel=3,
        )


def lm_frame(results: list[LMResult]) -> pd.DataFrame:
    """One row per language-model run with a perplexity; an empty frame when there are none."""
    rows = []
    for r in results:
        if r.perplexity is None:
            continue  # scores, not probabilities (stupid backoff)
        row = {k: getattr(r, k, None) for k in COLUMNS}
        shares = r.match_length_shares
        # the test tokens whose whole n-gram (of the model's order) occurs in training
        row["seen_ngram_share"] = shares[-1] if shares else None
        tok = r.tokenizer
        row["tokenizer"] = tok.get("name", "?") if isinstance(tok, dict) else (tok or "?")
        row["family"] = r.family or ("classic" if r.order is not None else "neural")
        row["profile"] = r.profile or "default"
        doc = r.to_dict()
        row["own_seconds"] = lm_own_seconds(doc)  # what the run cost on its own (reports.compute)
        row["provenance"] = provenance(r.machine, r.versions)
        row["config"] = config_key(r.identity)  # seeds of one configuration share it
        row["samples"] = _samples(r.samples)
        row["history"] = r.history or None  # a neural LM's per-epoch records
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in (
        "perplexity",
        "seen_ngram_share",
        "tokens_per_s_scoring",
        "n_parameters",
        "model_bytes",
        "count_seconds",
        "own_seconds",
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.dropna(subset=["perplexity", "dataset", "model"])


def load_lm_results(results_dir: Path) -> pd.DataFrame:
    """``lm_frame`` of the valid results in ``results_dir``; each file left out is named in an
    ``InvalidResultWarning``."""
    results, problems = read_lm_results(results_dir)
    _warn(problems)
    return lm_frame(results)


def _samples(value) -> list[dict] | None:
    """A run's sampled sentences as stored, or None when it has none or they are malformed."""
    if not isinstance(value, list):
        return None
    out = [
        {"temperature": s.get("temperature"), "sentences": [str(t) for t in s["sentences"]]}
        for s in value
        if isinstance(s, dict) and isinstance(s.get("sentences"), list)
    ]
    return out or None


def lm_samples(frame: pd.DataFrame) -> list[dict]:
    """The sentences to show for one dataset: those of the best n-gram model (lowest perplexity
    among the runs that stored samples), then of each neural LM (its lowest seed) from the best;
    ``[{"model", "detail", "perplexity", "temperature", "sentences"}]``, one per temperature."""
    if frame.empty or "samples" not in frame:
        return []
    with_samples = frame[frame["samples"].notna()].sort_values(["perplexity", "seed"])
    chosen = [
        *with_samples[with_samples["family"] == "classic"].head(1).itertuples(),
        *with_samples[with_samples["family"] != "classic"]
        .sort_values("seed")
        .drop_duplicates("model")
        .sort_values("perplexity")
        .itertuples(),
    ]
    return [
        {
            "model": r.model,
            "perplexity": r.perplexity,
            "temperature": s["temperature"],
            "detail": f"{r.smoothing}, order {int(r.order)}" if r.family == "classic" else "",
            "sentences": s["sentences"],
        }
        for r in chosen
        for s in r.samples
    ]


SCALE_COLUMNS = [
    "dataset",
    "profile",
    "model",
    "family",
    "tokenizer",
    "train_size",
    "train_tokens",
    "fit_seconds",
    "fit_memory_mb",
    "peak_rss_mb",
    "perplexity",
]


def load_lm_scale(results_dir: Path) -> pd.DataFrame:
    """The n-gram scaling points (``bench scale``; ``<results>/lm_scale/``) as size-curve rows:
    the columns of ``reports.tables.size_frame`` plus perplexity, accuracy empty. Each file left
    out is named in an ``InvalidResultWarning``."""
    points, problems = _read(
        sorted((results_dir / "lm_scale").glob("*.json")), LMScaleResult, LMScaleResult.TASK
    )
    _warn(problems)
    rows = []
    for point in points:
        row = {k: getattr(point, k) for k in SCALE_COLUMNS}
        tok = row["tokenizer"]
        row["tokenizer"] = tok.get("name", "?") if isinstance(tok, dict) else (tok or "?")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SCALE_COLUMNS)
    return frame.assign(accuracy=float("nan"), accuracy_std=float("nan"), seeds=1)


def lm_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean perplexity over seeds per (dataset, model, order, smoothing, tokenizer)."""
    if frame.empty:
        return frame
    keys = ["dataset", "model", "family", "order", "smoothing", "tokenizer"]
    return (
        frame.groupby(keys, dropna=False)
        .agg(
            perplexity=("perplexity", "mean"),
            fit_seconds=("fit_seconds", "mean"),
            oov=("oov", "first"),
            tokens=("tokens", "first"),
            seeds=("seed", "count"),
            seen_ngram_share=("seen_ngram_share", "first"),
            tokens_per_s_scoring=("tokens_per_s_scoring", "mean"),
            n_parameters=("n_parameters", "first"),
            model_bytes=("model_bytes", "first"),
        )
        .reset_index()
        .sort_values(["dataset", "perplexity"])
        .reset_index(drop=True)
    )
