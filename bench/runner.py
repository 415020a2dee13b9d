"""Fit a model on a dataset, predict its test set, time and measure it: ``run`` and ``run_all``.

Data flows one way: loader -> tokenizer -> model.fit / predict_proba -> metrics -> RunResult JSON.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

from bench import sysinfo
from bench.datasets import Split, get_dataset
from bench.metrics import classification_metrics
from bench.models import get_model
from bench.profiles import get_profile
from bench.results import RunConfig, RunResult, run_id, run_path, save_result
from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer

SLICE_SEED = 0  # data slices are the same for every run seed, so seeds vary only the model


def make_config(dataset: str, model: str, *, tokenizer: str | None = None, profile: str = "default",
                seed: int = 0, params: dict | None = None) -> RunConfig:
    """A validated run configuration; the tokenizer defaults to the dataset language's."""
    spec = get_dataset(dataset)
    get_model(model)
    get_profile(profile)
    tok = tokenizer or DEFAULT_FOR_LANGUAGE[spec.language]
    make_tokenizer(tok)  # validates the name without tokenizing anything
    return RunConfig(dataset, model, tok, profile, seed, tuple(sorted((params or {}).items())))


def _resolve(config: RunConfig):
    spec = get_dataset(config.dataset)
    model_spec = get_model(config.model)
    profile = get_profile(config.profile)
    tokenizer = make_tokenizer(config.tokenizer)
    params = {**profile.params_for(config.model), **dict(config.params)}
    identity = config.identity(data_checksum=spec.checksum(), model_params=params,
                               tokenizer_config=tokenizer.config())
    return spec, model_spec, profile, tokenizer, params, identity


def result_path(config: RunConfig, results_dir: Path) -> Path:
    """Where the result of ``config`` is (or will be) stored."""
    *_, identity = _resolve(config)
    return run_path(results_dir, config, run_id(identity))


def _slice(split: Split, limit: int | None) -> Split:
    if limit is None or len(split) <= limit:
        return split
    from bench.datasets.base import stratified_split

    keep, _ = stratified_split(split.labels, 1 - limit / len(split), SLICE_SEED)
    return split.take(keep[:limit])


def _log(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def run(config: RunConfig, *, results_dir: Path | None = None, quiet: bool = False) -> RunResult:
    """Run one configuration end to end and (if ``results_dir``) store its result atomically."""
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    spec, model_spec, profile, tokenizer, params, identity = _resolve(config)
    _log(f"{config.label()}: loading data", quiet)
    data = spec.load()
    train, test = _slice(data.train, profile.max_train), _slice(data.test, profile.max_test)

    t0 = time.perf_counter()
    progress = None if quiet else f"{config.dataset} tokenizing"
    train_docs = tokenizer.tokenize_many(train.texts, progress=progress)
    test_docs = tokenizer.tokenize_many(test.texts, progress=progress)
    tokenize_s = time.perf_counter() - t0

    model = model_spec.cls()(seed=config.seed, **params)
    _log(f"{config.label()}: fitting on {len(train):,} documents", quiet)
    t0 = time.perf_counter()
    model.fit(train_docs, train.labels, len(spec.classes))
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proba = np.asarray(model.predict_proba(test_docs))
    predict_s = time.perf_counter() - t0
    pred = proba.argmax(axis=1)
    metrics = classification_metrics(test.labels, pred, len(spec.classes))

    n_params = model.n_parameters() if hasattr(model, "n_parameters") else None
    result = RunResult(
        run_id=run_id(identity), dataset=spec.name, model=model_spec.name, family=model_spec.family,
        profile=profile.name, seed=config.seed, tokenizer=tokenizer.config(),
        model_params=model.params(), language=spec.language, n_classes=len(spec.classes),
        classes=list(spec.classes), train_size=len(train), test_size=len(test),
        tokenize_seconds=tokenize_s, fit_seconds=fit_s, predict_seconds=predict_s,
        fit_docs_per_s=len(train) / fit_s if fit_s > 0 else float("inf"),
        predict_docs_per_s=len(test) / predict_s if predict_s > 0 else float("inf"),
        peak_rss_mb=sysinfo.peak_rss_mb(), n_parameters=n_params, data_sha256=identity["data_sha256"],
        identity=identity, versions=sysinfo.library_versions(), machine=sysinfo.machine(),
        started_at=started,
        finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        caps_note=profile.caps_note if model_spec.family == "neural" or profile.max_train else "",
        history=list(getattr(model, "history_", []) or []),
        test_predictions=pred.tolist(), test_labels=test.labels.tolist(), **metrics,
    )
    if results_dir is not None:
        path = save_result(results_dir, result)
        _log(f"{config.label()}: accuracy {result.accuracy:.4f}, fit {fit_s:.1f}s, saved {path.name}", quiet)
    return result
