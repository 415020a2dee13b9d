"""Language-model results for the report: perplexity against n-gram order and smoothing.

The report expects one JSON file per language-model run, in ``<results>/runs/`` (or
``<results>/lm/``), with at least these keys (others are ignored)::

    {"task": "lm",                    # tells it apart from classification runs
     "dataset": "imdb", "profile": "default", "seed": 0,
     "model": "ngram-mkn",            # or "lstm-lm", "gru-lm", "rnn-lm"
     "family": "classic",             # "classic" for n-gram models, "neural" for the others
     "order": 3,                      # n-gram order; null for neural models
     "smoothing": "mkn",              # mle, add-k, witten-bell, absolute, kn, mkn; null for neural
     "perplexity": 182.4,             # OOVs included, </s> scored (KenLM's convention)
     "perplexity_excl_oov": 160.1, "oov": 1234, "tokens": 250000,
     "fit_seconds": 3.9, "tokenizer": {"name": "english"},
     "score_seconds": 0.8, "tokens_per_s_scoring": 312500.0,   # optional: inference cost
     "n_parameters": 1250000,         # optional: weights (neural) or distinct n-grams (classic)
     "model_bytes": 30000000,         # optional: size of the fitted model (kNN-LM: with its datastore)
     "match_length_shares": [0.1, 0.4, 0.5],   # n-gram runs: share of test tokens whose longest
                                               # n-gram seen in training has length 1, 2, .., order
     "samples": [{"temperature": 1.0, "seed": 0, "sentences": ["a sampled sentence"]}],  # optional
     "history": [{"epoch": 1, "val_loss": 5.9, "train_seconds": 660.0}]}  # optional: neural LMs

Stupid backoff gives scores, not probabilities: its runs carry ``"perplexity": null`` and are
left out. Until such files exist the report says so instead of drawing the plot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from reports.compute import lm_own_seconds, provenance
from reports.superseded import config_key

COLUMNS = ["dataset", "profile", "seed", "model", "family", "order", "smoothing", "perplexity",
           "perplexity_excl_oov", "oov", "tokens", "fit_seconds", "tokenizer", "seen_ngram_share",
           "score_seconds", "tokens_per_s_scoring", "n_parameters", "model_bytes", "count_seconds",
           "finished_at", "own_seconds", "provenance", "config", "samples", "history"]


def load_lm_results(results_dir: Path) -> pd.DataFrame:
    """One row per language-model run with a perplexity; an empty frame when there are none."""
    rows = []
    for folder in ("runs", "lm"):
        for path in sorted((results_dir / folder).glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(doc, dict) or doc.get("task") != "lm" or doc.get("perplexity") is None:
                continue
            row = {k: doc.get(k) for k in COLUMNS}
            shares = doc.get("match_length_shares")
            # the test tokens whose whole n-gram (of the model's order) occurs in training
            row["seen_ngram_share"] = shares[-1] if isinstance(shares, list) and shares else None
            tok = row["tokenizer"]
            row["tokenizer"] = tok.get("name", "?") if isinstance(tok, dict) else (tok or "?")
            row["family"] = row["family"] or ("classic" if row["order"] is not None else "neural")
            row["profile"] = row["profile"] or "default"
            row["own_seconds"] = lm_own_seconds(doc)  # what the run cost on its own (reports.compute)
            row["provenance"] = provenance(doc.get("machine"), doc.get("versions"))
            row["config"] = config_key(doc.get("identity"))  # seeds of one configuration share it
            row["samples"] = _samples(doc.get("samples"))
            history = doc.get("history")  # a neural LM's per-epoch records (neural.training.EpochTimer)
            row["history"] = history if isinstance(history, list) and history else None
            rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("perplexity", "seen_ngram_share", "tokens_per_s_scoring", "n_parameters", "model_bytes",
                   "count_seconds", "own_seconds"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.dropna(subset=["perplexity", "dataset", "model"])


def _samples(value) -> list[dict] | None:
    """A run's sampled sentences as stored, or None when it has none or they are malformed."""
    if not isinstance(value, list):
        return None
    out = [{"temperature": s.get("temperature"), "sentences": [str(t) for t in s["sentences"]]}
           for s in value if isinstance(s, dict) and isinstance(s.get("sentences"), list)]
    return out or None


def lm_samples(frame: pd.DataFrame) -> list[dict]:
    """The sentences to show for one dataset: those of the best n-gram model (lowest perplexity
    among the runs that stored samples), then of each neural LM (its lowest seed) from the best;
    ``[{"model", "detail", "perplexity", "temperature", "sentences"}]``, one entry per temperature."""
    if frame.empty or "samples" not in frame:
        return []
    with_samples = frame[frame["samples"].notna()].sort_values(["perplexity", "seed"])
    chosen = [*with_samples[with_samples["family"] == "classic"].head(1).itertuples(),
              *with_samples[with_samples["family"] != "classic"].sort_values("seed")
              .drop_duplicates("model").sort_values("perplexity").itertuples()]
    return [{"model": r.model, "perplexity": r.perplexity, "temperature": s["temperature"],
             "detail": f"{r.smoothing}, order {int(r.order)}" if r.family == "classic" else "",
             "sentences": s["sentences"]}
            for r in chosen for s in r.samples]


SCALE_COLUMNS = ["dataset", "profile", "model", "family", "tokenizer", "train_size", "train_tokens",
                 "fit_seconds", "fit_memory_mb", "peak_rss_mb", "perplexity"]


def load_lm_scale(results_dir: Path) -> pd.DataFrame:
    """The n-gram scaling points (``bench scale``; ``<results>/lm_scale/``) as size-curve rows:
    the columns of ``reports.tables.size_frame`` plus perplexity, accuracy empty."""
    rows = []
    for path in sorted((results_dir / "lm_scale").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(doc, dict) and doc.get("task") == "lm-scale":
            row = {k: doc.get(k) for k in SCALE_COLUMNS}
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
    return (frame.groupby(keys, dropna=False)
            .agg(perplexity=("perplexity", "mean"), fit_seconds=("fit_seconds", "mean"),
                 oov=("oov", "first"), tokens=("tokens", "first"), seeds=("seed", "count"),
                 seen_ngram_share=("seen_ngram_share", "first"),
                 tokens_per_s_scoring=("tokens_per_s_scoring", "mean"),
                 n_parameters=("n_parameters", "first"), model_bytes=("model_bytes", "first"))
            .reset_index().sort_values(["dataset", "perplexity"]).reset_index(drop=True))
