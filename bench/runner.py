"""Fit a model on a dataset, predict its test set, time and measure it: ``run`` and ``run_all``.

Data flows one way: loader -> tokenizer -> model.fit / predict_proba -> metrics -> RunResult JSON.
"""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import phases, sysinfo
from bench.datasets import get_dataset
from bench.errors import BenchError
from bench.memory import PeakWatch
from bench.metrics import classification_metrics
from bench.models import get_model, model_source
from bench.params import check_types
from bench.profiles import get_profile
from bench.results import (
    RunConfig,
    RunResult,
    model_dir,
    results_home,
    run_id,
    run_path,
    save_result,
    stored_result,
)
from bench.saved_models import (
    UnreadableModelError,
    latest_model,
    load_model,
    require_keys,
    save_model,
)
from bench.slicing import stratified_slice
from bench.storage import UnwritableResultsError, check_writable, unwritable
from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer
from bench.tokenizers.cache import TokenizedSplit, tokenize_corpus
from core.probabilities import invalid_rows
from core.progress import say, stderr_guarded


def make_config(
    dataset: str,
    model: str,
    *,
    tokenizer: str | None = None,
    profile: str = "default",
    seed: int = 0,
    params: dict | None = None,
    max_train: int | None = None,
) -> RunConfig:
    """A validated run configuration; the tokenizer defaults to the dataset language's.
    ``max_train`` caps the training documents (a stratified slice), overriding the profile's cap.

    Checked here, before any data is read: the tokenizer is for the dataset's language, a cap
    can hold one document of each class, and ``params`` (with the profile's) have the types and
    ranges the model declares (``bench.params``)."""
    from bench.params import check_ranges
    from bench.tokenizers import KOREAN_ANALYZERS

    spec = get_dataset(dataset)
    get_model(model)
    get_profile(profile)
    tok = (
        tokenizer
        or get_profile(profile).tokenizers.get(spec.language)
        or DEFAULT_FOR_LANGUAGE[spec.language]
    )
    make_tokenizer(tok)  # validates the name without tokenizing anything
    tok_language = "ko" if tok in KOREAN_ANALYZERS else "en" if tok == "english" else None
    if tok_language not in (None, spec.language):
        languages = {"en": "English", "ko": "Korean"}
        raise BenchError(
            f"tokenizer {tok} is for {languages[tok_language]} text but {dataset} is "
            f"{languages.get(spec.language, spec.language)}; use --tokenizer "
            f"{DEFAULT_FOR_LANGUAGE[spec.language]} or leave --tokenizer out"
        )
    if max_train is not None and 0 < max_train < len(spec.classes):
        raise BenchError(
            f"a stratified slice of {max_train} documents cannot hold one of each of the "
            f"{len(spec.classes)} classes of {dataset}; ask for --max-train "
            f"{len(spec.classes)} or more"
        )
    if params:  # a mistyped or out-of-range --param fails now, not minutes later in a fit
        merged = {**get_profile(profile).params_for(model, spec.name), **params}
        try:
            t0 = time.perf_counter()
            cls = get_model(model).cls()
            phases.note_early("model_import", time.perf_counter() - t0)
            check_types(cls, merged)
            check_ranges(cls, merged)
            cls(seed=seed, **merged)
        except (TypeError, ValueError) as exc:
            raise BenchError(f"bad parameters for {model}: {exc}") from exc
    return RunConfig(
        dataset, model, tok, profile, seed, tuple(sorted((params or {}).items())), max_train
    )


def _resolve(config: RunConfig):
    spec = get_dataset(config.dataset)
    model_spec = get_model(config.model)
    profile = get_profile(config.profile)
    tokenizer = make_tokenizer(config.tokenizer)
    params = {**profile.params_for(config.model, config.dataset), **dict(config.params)}
    identity = config.identity(
        data_checksum=spec.checksum(), model_params=params, tokenizer_config=tokenizer.config()
    )
    identity.update(spec.extra.get("identity", {}))  # a user file's columns and split rule
    if spec.data_modified():  # used only by the BENCH_ALLOW_MODIFIED_DATA opt-in: say so
        identity["data_modified"] = True
    if model_spec.source is not None:  # a plug-in: a new version of it is a new run
        identity["model_source"] = model_spec.source
    return spec, model_spec, profile, tokenizer, params, identity


def result_path(config: RunConfig, results_dir: Path) -> Path:
    """Where the result of ``config`` is (or will be) stored."""
    *_, identity = _resolve(config)
    return run_path(results_dir, config, run_id(identity))


def _tokenize_stats(train: TokenizedSplit, test: TokenizedSplit, n_docs: int) -> dict:
    """RunResult's tokenization fields: cache hit (None: no cache), cold seconds and docs/s."""
    hits = (train.cache_hit, test.cache_hit)
    cold = train.cold_seconds + test.cold_seconds
    return {
        "tokenize_cache_hit": None if None in hits else all(hits),
        "tokenize_cold_seconds": cold,
        "tokenize_docs_per_s": n_docs / cold if cold > 0 else None,
        "tokenize_workers": max(train.workers, test.workers),
    }


def _sklearn_parameter_error() -> type[Exception]:
    """scikit-learn's error for an estimator parameter out of its range, raised when fit starts.

    Called only while an exception is being matched, so a neural run never imports scikit-learn.
    """
    from sklearn.utils._param_validation import InvalidParameterError

    return InvalidParameterError


def _log(msg: str, quiet: bool) -> None:
    if not quiet:
        say(msg)  # never raises: a closed stderr must not cost the run its result


def run(config: RunConfig, *, results_dir: Path | None = None, quiet: bool = False) -> RunResult:
    """Run one configuration end to end and (if ``results_dir``) store its result atomically.

    Before any data is read, ``results_dir`` is checked to be writable (``UnwritableResultsError``
    otherwise) and an invalid result file already at the run's path is quarantined. Nothing
    written to stderr meanwhile can fail the run: a closed stderr only drops the progress lines
    (``core.progress``)."""
    with stderr_guarded():
        return _run(config, results_dir, quiet)


def _run(config: RunConfig, results_dir: Path | None, quiet: bool) -> RunResult:
    clock = phases.RunClock()  # each phase's seconds, recorded in the result (bench.phases)
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    if results_dir is not None:
        check_writable(results_dir, ("runs", "models"))
    spec, model_spec, profile, tokenizer, params, identity = _resolve(config)
    if results_dir is not None:  # a file that fails validation is kept aside, not overwritten
        stored_result(run_path(results_dir, config, run_id(identity)), results_dir)
    try:  # before any data is read: a misspelled, mistyped or out-of-range --param fails at once
        with clock.phase("model_import"):  # a neural model's module imports TensorFlow
            cls = model_spec.cls()
            check_types(cls, params)
            model = cls(seed=config.seed, **params)
    except (TypeError, ValueError) as exc:
        raise BenchError(f"bad parameters for {config.model}: {exc}") from exc
    _log(f"{config.label()}: loading data", quiet)
    with clock.phase("data"):
        data = spec.load()
        max_train = config.max_train if config.max_train is not None else profile.max_train
        train = stratified_slice(data.train, max_train)
        test = stratified_slice(data.test, profile.max_test)

    t0 = time.perf_counter()
    progress = None if quiet else f"{config.dataset} tokenizing with {tokenizer.name}"
    # through the disk cache of tokenized corpora (bench.tokenizers.cache): a re-run does no
    # analysis
    tok_train = tokenize_corpus(
        spec, "train", train.texts, tokenizer, progress=progress, keep_workers=True
    )
    tok_test = tokenize_corpus(spec, "test", test.texts, tokenizer, progress=progress)
    train_docs, test_docs = tok_train.docs, tok_test.docs
    tokenize_s = time.perf_counter() - t0
    clock.seconds["tokenize"] += tokenize_s
    tok_stats = _tokenize_stats(tok_train, tok_test, len(train) + len(test))
    if tok_stats["tokenize_cache_hit"] is not None:
        _log(
            f"{config.label()}: tokenized in {tokenize_s:.1f}s (cache "
            f"{'hit' if tok_stats['tokenize_cache_hit'] else 'miss'})",
            quiet,
        )

    _log(f"{config.label()}: fitting on {len(train):,} documents", quiet)
    t0 = time.perf_counter()
    try:
        with PeakWatch() as fit_memory:  # what fitting needs beyond the loaded data
            model.fit(train_docs, train.labels, len(spec.classes), groups=train.groups)
    except (
        _sklearn_parameter_error()
    ) as exc:  # its ranges (alpha >= 0, C > 0) are checked only here
        raise BenchError(f"bad parameters for {config.model}: {exc}") from exc
    fit_s = time.perf_counter() - t0
    clock.seconds["fit"] += fit_s
    t0 = time.perf_counter()
    proba = np.asarray(model.predict_proba(test_docs))
    predict_s = time.perf_counter() - t0
    clock.seconds["predict"] += predict_s
    if invalid_rows(proba, atol=1e-4):
        raise BenchError(
            f"{config.label()}: the model gave invalid probabilities (NaN, infinite or not "
            "summing to 1), so no result is stored; try other --param settings"
        )
    pred = proba.argmax(axis=1)
    metrics = classification_metrics(test.labels, pred, len(spec.classes))

    n_params = model.n_parameters() if hasattr(model, "n_parameters") else None
    manifest = {
        "run_id": run_id(identity),
        "dataset": spec.name,
        "model": model_spec.name,
        "target": model_spec.target,
        "profile": profile.name,
        "seed": config.seed,
        "tokenizer": tokenizer.config(),
        "classes": list(spec.classes),
    }
    with clock.phase("save"):
        model_bytes, saved = _keep_model(model, manifest, results_dir, quiet)
    result = RunResult(
        run_id=run_id(identity),
        dataset=spec.name,
        model=model_spec.name,
        family=model_spec.family,
        profile=profile.name,
        seed=config.seed,
        tokenizer=tokenizer.config(),
        model_params=model.params(),
        language=spec.language,
        n_classes=len(spec.classes),
        classes=list(spec.classes),
        train_size=len(train),
        test_size=len(test),
        tokenize_seconds=tokenize_s,
        fit_seconds=fit_s,
        predict_seconds=predict_s,
        fit_docs_per_s=len(train) / fit_s if fit_s > 0 else float("inf"),
        predict_docs_per_s=len(test) / predict_s if predict_s > 0 else float("inf"),
        peak_rss_mb=fit_memory.process_peak_mb(),
        fit_memory_mb=fit_memory.extra_mb,
        n_parameters=n_params,
        data_sha256=identity["data_sha256"],
        identity=identity,
        versions=sysinfo.library_versions(),
        machine=sysinfo.machine(),
        executor=_execution(model),
        started_at=started,
        finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        caps_note=profile.caps_note if model_spec.family == "neural" or profile.max_train else "",
        history=list(getattr(model, "history_", []) or []),
        test_predictions=pred.tolist(),
        test_labels=test.labels.tolist(),
        **metrics,
        seconds_per_epoch=getattr(model, "seconds_per_epoch_", None),
        train_docs_per_s=getattr(model, "train_docs_per_s_", None),
        model_bytes=model_bytes,
        data_modified=bool(identity.get("data_modified")),
        model_dir=str(saved) if saved else None,
        max_train=config.max_train,
        **tok_stats,
        model_source=model_source(model_spec),
    )
    result.phases = clock.finish()  # the result file's own write comes after: it holds these
    if results_dir is not None:
        path = save_result(results_dir, result)
        _log(
            f"{config.label()}: accuracy {result.accuracy:.4f}, fit {fit_s:.1f}s, "
            f"saved {path.name}",
            quiet,
        )
    return result


def _execution(model) -> dict:
    """The run file's ``executor`` record; for a neural model also the threads and kernels it
    computed with (``numerics``), and for one with recurrent layers which of them ran on cuDNN's
    fused kernels (``recurrent_kernels``)."""
    out = sysinfo.execution()
    if getattr(model, "numerics_", None):
        out["numerics"] = model.numerics_
    if hasattr(model, "recurrent_kernels"):
        kernels = model.recurrent_kernels(sysinfo.tensorflow_gpus() or [])
        if kernels is not None:
            out["recurrent_kernels"] = kernels
    return out


def _keep_model(
    model, manifest: dict, results_dir: Path | None, quiet: bool
) -> tuple[int | None, Path | None]:
    """Save the fitted model under ``results_dir/models/<run_id>`` (without a results dir: into a
    temporary folder, only to measure its size). Returns (bytes on disk, folder or None)."""
    with tempfile.TemporaryDirectory() as scratch:
        target = (
            model_dir(results_dir, manifest["run_id"]) if results_dir else Path(scratch, "model")
        )
        try:
            size = save_model(model, target, manifest)
        except UnwritableResultsError:
            raise
        except OSError as exc:  # a full or read-only disk: one line, not a traceback
            raise unwritable(target, exc) from exc
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            if hasattr(model, "save"):
                raise
            _log(f"  model not saved (it cannot be pickled: {exc})", quiet)
            return None, None
    return size, target if results_dir else None


def predict(
    dataset: str,
    model: str,
    texts: list[str],
    *,
    results_dir: Path,
    profile: str = "default",
    tokenizer: str | None = None,
    seed: int | None = None,
    with_known_tokens: bool = False,
) -> list[tuple]:
    """(class, probability) of each text from the model saved by the last run of that
    configuration; texts go through the tokenizer that model was trained with.

    A text with no token the model knows (empty, or all out of vocabulary) gets a warning on
    stderr: its prediction says nothing about it. ``with_known_tokens`` adds each text's count of
    known tokens as a third element. Invalid probabilities (NaN) are an error, never printed."""
    get_dataset(dataset), get_model(model), get_profile(profile)
    cmd = f"python -m bench run --dataset {dataset} --model {model} --profile {profile}"
    cmd += f" --tokenizer {tokenizer}" if tokenizer else ""
    cmd += f" --seed {seed}" if seed is not None else ""
    cmd += f" --results-dir {results_dir}" if results_dir != results_home() else ""
    try:
        folder = latest_model(results_dir, dataset, model, profile, tokenizer=tokenizer, seed=seed)
        if folder is None:
            raise BenchError(
                f"no saved {model} model for {dataset} (profile {profile}) in {results_dir}; "
                f"make one with: {cmd}"
            )
        clf, manifest = load_model(folder)
        require_keys(folder, manifest, ("classes", "tokenizer"))
        tok_config = manifest["tokenizer"]
        if not isinstance(tok_config, dict) or not {"name", "options"} <= tok_config.keys():
            raise UnreadableModelError(folder, "manifest.json has no tokenizer name and options")
    except UnreadableModelError as exc:  # name the command that makes this configuration again
        raise UnreadableModelError(exc.folder, exc.why, cmd) from None
    tok = make_tokenizer(tok_config["name"], **tok_config["options"])
    docs = [tok(t) for t in texts]
    proba = np.asarray(clf.predict_proba(docs), dtype=np.float64)
    if invalid_rows(proba):
        raise BenchError(
            f"the saved {model} model for {dataset} gave invalid probabilities (NaN or not "
            f"summing to 1); re-run it with other --param settings: {folder}"
        )
    if hasattr(clf, "known_token_count"):  # the classic models: their training vocabulary
        known = [int(n) for n in clf.known_token_count(docs)]
    elif hasattr(getattr(clf, "vocab_", None), "stoi"):  # ours: ids 0 and 1 are padding, <unk>
        known = [sum(clf.vocab_.stoi.get(t, 0) > 1 for t in d) for d in docs]
    else:
        known = [len(d) for d in docs]
    for text, n in zip(texts, known):
        if n == 0:
            what = "is empty" if not text.strip() else "has no token the model knows"
            say(
                f"warning: {text[:60]!r} {what}: its prediction is the model's answer to no "
                "words at all (mostly the training classes' balance)"
            )
    best = proba.argmax(axis=1)
    out = [(manifest["classes"][k], float(proba[i, k])) for i, k in enumerate(best)]
    return [(*o, n) for o, n in zip(out, known)] if with_known_tokens else out
