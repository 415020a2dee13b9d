"""Synthetic run results for report tests: result files written without fitting anything."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
import zlib
from pathlib import Path

import numpy as np

from bench.metrics import classification_metrics
from bench.results import RunResult, run_id, save_result, write_json_atomic

FAMILIES = {
    "nb": "classic",
    "nbsvm": "classic",
    "tfidf-lr": "classic",
    "lstm": "neural",
    "fasttext": "neural",
    "transformer": "neural",
}


def make_result(
    dataset: str = "imdb",
    model: str = "nb",
    *,
    seed: int = 0,
    accuracy: float = 0.85,
    profile: str = "quick",
    tokenizer: str = "english",
    n_test: int = 400,
    classes: tuple[str, ...] = ("negative", "positive"),
    fit_seconds: float | None = None,
    train_size: int = 2000,
    max_train: int | None = None,
    language: str = "en",
    tokenize_seconds: float = 1.0,
    labels_seed: int = 0,
) -> RunResult:
    """A run result whose predictions have (about) the given accuracy on a fixed test set."""
    n_classes = len(classes)
    labels = np.random.RandomState(labels_seed).randint(0, n_classes, size=n_test)
    rng = np.random.RandomState(
        zlib.crc32(f"{dataset} {model} {seed} {tokenizer} {max_train}".encode())
    )
    wrong = rng.rand(n_test) > accuracy
    pred = np.where(
        wrong, (labels + 1 + rng.randint(0, max(n_classes - 1, 1), n_test)) % n_classes, labels
    )
    family = FAMILIES.get(model, "classic")
    identity = {
        "dataset": dataset,
        "model": model,
        "seed": seed,
        "profile": profile,
        "tokenizer": tokenizer,
        "max_train": max_train,
    }
    history = [
        {
            "epoch": e,
            "loss": 0.7 - 0.1 * e,
            "val_loss": 0.68 - 0.08 * e,
            "accuracy": 0.6 + 0.1 * e,
            "val_accuracy": 0.62 + 0.08 * e,
        }
        for e in (1, 2, 3)
    ]
    return RunResult(
        run_id=run_id(identity),
        dataset=dataset,
        model=model,
        family=family,
        profile=profile,
        seed=seed,
        tokenizer={"name": tokenizer, "version": "1", "options": {}},
        model_params={},
        language=language,
        n_classes=n_classes,
        classes=list(classes),
        train_size=max_train or train_size,
        test_size=n_test,
        tokenize_seconds=tokenize_seconds,
        fit_seconds=fit_seconds
        if fit_seconds is not None
        else (1.0 if family == "classic" else 60.0),
        predict_seconds=0.1,
        fit_docs_per_s=1000.0,
        predict_docs_per_s=4000.0,
        peak_rss_mb=300.0,
        n_parameters=None if family == "classic" else 100_000,
        data_sha256="0" * 64,
        identity=identity,
        versions={"python": "3.11", "numpy": "x"},
        machine={"cpu": "test cpu", "cpu_count": 2},
        started_at="2024-01-01T00:00:00+00:00",
        finished_at=f"2024-01-01T00:{seed:02d}:00+00:00",
        caps_note="",
        history=history if family == "neural" else [],
        test_predictions=pred.tolist(),
        test_labels=labels.tolist(),
        max_train=max_train,
        **classification_metrics(labels, pred, n_classes),
    )


def write_results(results_dir: Path, results: list[RunResult]) -> None:
    for r in results:
        save_result(results_dir, r)


def write_lm_result(
    results_dir: Path,
    dataset: str,
    model: str,
    order: int | None,
    smoothing: str | None,
    perplexity: float | None,
    profile: str = "quick",
) -> Path:
    """A language-model run in the shape ``reports.language_models`` documents, saved where and as
    ``bench lm`` saves one:
    ``<results>/lm/<dataset>__<model>__o<order>__<profile>__<run id>.json``."""
    identity = {
        "dataset": dataset,
        "model": model,
        "order": order,
        "profile": profile,
        "seed": 0,
        "tokenizer": {"name": "english"},
    }
    rid = run_id(identity)
    doc = {
        "task": "lm",
        "run_id": rid,
        "identity": identity,
        "dataset": dataset,
        "model": model,
        "profile": profile,
        "seed": 0,
        "family": "classic" if order else "neural",
        "order": order,
        "smoothing": smoothing,
        "perplexity": perplexity,
        "perplexity_excl_oov": perplexity,
        "oov": 10,
        "tokens": 1000,
        "fit_seconds": 1.5,
        "tokenizer": {"name": "english"},
    }
    if not order:  # a neural LM's inference cost and size
        doc.update(
            score_seconds=0.25,
            tokens_per_s_scoring=4321.0,
            n_parameters=1_234_567,
            model_bytes=4 * 1_234_567,
            history=[
                {
                    "epoch": e,
                    "loss": 5.0,
                    "val_loss": 5.6 - e / 10,
                    "seconds": 70.0,
                    "train_seconds": 60.0,
                }
                for e in (1, 2, 3)
            ],
        )
    if order and perplexity:  # the share of test tokens whose trigram was seen: 0.125 at order 3
        doc["match_length_shares"] = [1 - 0.125 * (order - 1)] + [0.125] * (order - 1)
    if perplexity:  # sentences sampled from it, one per temperature, naming the run
        doc["samples"] = [
            {"temperature": t, "seed": 0, "sentences": [f"<b>{model}</b> {order} at {t}"]}
            for t in ((1.0,) if order else (1.0, 0.7))
        ]
    path = results_dir / "lm" / f"{dataset}__{model}__o{order or 0}__{profile}__{rid}.json"
    write_json_atomic(path, doc)
    return path


def write_benchmark_json(path: Path) -> Path:
    """A minimal file in pytest-benchmark's ``--benchmark-json`` format."""
    doc = {
        "machine_info": {
            "node": "test",
            "python_version": "3.11",
            "cpu": {"brand_raw": "test cpu"},
        },
        "datetime": "2024-01-01T00:00:00",
        "version": "5.1.0",
        "benchmarks": [
            {
                "group": "naive-bayes",
                "name": "test_nb_fit[imdb]",
                "fullname": "x",
                "stats": {"mean": 0.5, "stddev": 0.01, "min": 0.49, "rounds": 1, "ops": 2.0},
                "extra_info": {"accuracy": 0.83},
            },
            {
                "group": "neural-latency",
                "name": "test_lstm_latency[1]",
                "fullname": "y",
                "stats": {"mean": 0.01, "stddev": 0.001, "min": 0.009, "rounds": 20, "ops": 100.0},
                "extra_info": {"batch": 1},
            },
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def standard_grid(results_dir: Path) -> None:
    """Two datasets, classic and neural models, two seeds, a size sweep and a Korean dataset."""
    out = []
    for seed in (0, 1):
        out += [
            make_result("imdb", "nb", seed=seed, accuracy=0.83),
            make_result("imdb", "nbsvm", seed=seed, accuracy=0.88, fit_seconds=3.0),
            make_result("imdb", "lstm", seed=seed, accuracy=0.86),
        ]
    out += [
        make_result("r8", m, accuracy=a, classes=("earn", "acq", "crude"), labels_seed=1)
        for m, a in (("nb", 0.95), ("lstm", 0.9))
    ]
    for size in (100, 500):
        out += [
            make_result("imdb", m, accuracy=a, max_train=size)
            for m, a in (("nb", 0.7), ("lstm", 0.6))
        ]
    out += [
        make_result(
            "nsmc", "nb", tokenizer=t, accuracy=a, language="ko", tokenize_seconds=s, labels_seed=2
        )
        for t, a, s in (("korean-ws", 0.8, 0.5), ("okt", 0.84, 30.0))
    ]
    write_results(results_dir, out)


@functools.lru_cache(maxsize=1)
def render_standard_report() -> tuple[Path, Path, str]:
    """``(results_dir, index_path, html)`` of one report over the standard grid plus a
    default-profile run, an n-gram/neural LM sweep and a benchmark file; rendered once a process."""
    from reports.html import render_report

    root = Path(tempfile.mkdtemp(prefix="bench-report-test-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    results = root / "results"
    standard_grid(results)
    write_results(
        results,
        [
            make_result(
                "r8", "nb", profile="default", accuracy=0.97, classes=("earn", "acq", "crude")
            )
        ],
    )
    for order, ppl in ((1, 900.0), (2, 300.0), (3, 250.0)):
        write_lm_result(results, "imdb", "ngram-mkn", order, "mkn", ppl)
        write_lm_result(results, "imdb", "ngram-add-k", order, "add-k", ppl * 1.5)
    write_lm_result(results, "imdb", "lstm-lm", None, None, 180.0)
    write_lm_result(
        results, "imdb", "ngram-sb", 3, "stupid-backoff", None
    )  # no perplexity: left out
    # where `pytest --benchmark-json` would put it: outside the results, which get their own copy
    bench_file = write_benchmark_json(root / "benchmark.json")
    index = render_report(results, profile="quick", benchmarks=bench_file)
    return results, index, index.read_text(encoding="utf-8")
