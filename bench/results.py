"""Run configurations and results: typed, one JSON file per run, written atomically.

A result exists only if it validates: ``load_run`` reads a run file and checks what it holds (a
JSON object, every field of the type ``RunResult`` annotates, the schema version, a run id that is
the hash of its identity and the one its file name carries) or raises ``InvalidResultError`` saying
why. Whoever decides a run is done (the grid, ``bench run``) moves a file that fails to
``<results>/quarantine/`` (``quarantine``) and does the run again; the report leaves it out and
names it (``read_results``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from bench.params import describe, matches
from bench.storage import quarantine, write_json_atomic

SCHEMA_VERSION = 1


class InvalidResultError(ValueError):
    """A stored result that fails validation: unreadable, not a JSON object, wrong types, an unknown
    schema version, a run id that is not its identity's hash, or a missing field."""


def results_home() -> Path:
    """Where runs and reports are written: ``$BENCH_RESULTS_DIR`` or ``./bench-results``."""
    return Path(os.environ.get("BENCH_RESULTS_DIR") or "bench-results").resolve()


@dataclass(frozen=True)
class RunConfig:
    """What identifies a run. ``params`` overrides the profile's hyperparameters for the model;
    ``max_train`` (a data-efficiency or scale point) caps the training documents, overriding the
    profile's own cap; ``None`` keeps the profile's."""

    dataset: str
    model: str
    tokenizer: str
    profile: str = "default"
    seed: int = 0
    params: tuple[tuple[str, Any], ...] = ()
    max_train: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        if self.max_train is not None and (
            not isinstance(self.max_train, int) or self.max_train < 1
        ):
            raise ValueError(f"max_train must be a positive integer, got {self.max_train!r}")

    def identity(self, *, data_checksum: str, model_params: dict, tokenizer_config: dict) -> dict:
        """Everything that makes two runs the same run: the key of the result file."""
        return {
            "dataset": self.dataset,
            "model": self.model,
            "tokenizer": tokenizer_config,
            "profile": self.profile,
            "seed": self.seed,
            "model_params": model_params,
            "data_sha256": data_checksum,
            "schema": SCHEMA_VERSION,
            # only when set, so runs without it keep the identity they always had
            **({"max_train": self.max_train} if self.max_train is not None else {}),
        }

    def label(self) -> str:
        size = f", {self.max_train:,} train" if self.max_train is not None else ""
        return (
            f"{self.dataset} × {self.model} ({self.tokenizer}, {self.profile}, "
            f"seed {self.seed}{size})"
        )


def run_id(identity: dict) -> str:
    blob = json.dumps(identity, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def config_key(identity: dict | None) -> str:
    """What makes two runs seeds of one configuration: their identity without the seed."""
    return run_id({k: v for k, v in (identity or {}).items() if k != "seed"})


@dataclass
class RunResult:
    """Everything a run measured, with the configuration and environment that produced it."""

    run_id: str
    dataset: str
    model: str
    family: str
    profile: str
    seed: int
    tokenizer: dict
    model_params: dict
    language: str
    n_classes: int
    classes: list[str]
    train_size: int
    test_size: int
    accuracy: float
    macro_f1: float
    per_class_f1: list[float]
    confusion_matrix: list[list[int]]
    tokenize_seconds: float
    fit_seconds: float
    predict_seconds: float
    fit_docs_per_s: float
    predict_docs_per_s: float
    peak_rss_mb: float
    n_parameters: int | None
    data_sha256: str
    identity: dict
    versions: dict
    machine: dict
    started_at: str
    finished_at: str
    caps_note: str = ""
    history: list[dict] = field(default_factory=list)
    test_predictions: list[int] = field(default_factory=list)
    test_labels: list[int] = field(default_factory=list)
    # training throughput (steady-state epochs, validation excluded) and the saved model
    seconds_per_epoch: float | None = None
    train_docs_per_s: float | None = None
    model_bytes: int | None = None
    # the data failed its registered checksum and was used through BENCH_ALLOW_MODIFIED_DATA
    data_modified: bool = False
    model_dir: str | None = None
    max_train: int | None = None  # the run configuration's cap on training documents, if any
    fit_memory_mb: float | None = None  # peak RSS while fitting minus RSS before it (bench.memory)
    # tokenization through the disk cache (bench.tokenizers.cache): ``tokenize_seconds`` is what
    # this run spent; the cold figures are those of the analysis that built the cache (this run's
    # on a miss)
    tokenize_cache_hit: bool | None = None  # None: the tokenizer is not cached (a fast regex one)
    tokenize_cold_seconds: float | None = None
    tokenize_docs_per_s: float | None = None  # train + test documents / cold seconds
    tokenize_workers: int | None = None  # processes the cold tokenization used
    # where the model class comes from: module, class, distribution, version (bench.plugins)
    model_source: dict | None = None
    # seconds per phase of the run (bench.phases.RUN_PHASES), adding up to its wall time; empty in
    # runs made before it was recorded
    phases: dict[str, float] = field(default_factory=dict)
    # how and where it ran (``bench.sysinfo.execution``): executor, node, CPU, cores, accelerator;
    # None in files written before executors were recorded. Not part of the run's identity.
    executor: dict | None = None

    def to_dict(self, *, with_predictions: bool = True) -> dict:
        out = asdict(self)
        if not with_predictions:
            out.pop("test_predictions")
            out.pop("test_labels")
        return out

    @classmethod
    def from_dict(cls, data) -> "RunResult":
        """The result a parsed JSON file holds; ``InvalidResultError`` says what is wrong with it.
        Keys this type does not have are ignored."""
        if not isinstance(data, dict):
            raise InvalidResultError(f"expected a JSON object, got {_json_type(data)}")
        if data.get("task", "classification") != "classification":
            raise InvalidResultError(f"a {data['task']!r} result, not a classification run")
        missing = [f.name for f in fields(cls) if f.name not in data and _required(f)]
        if missing:
            raise InvalidResultError(f"missing {', '.join(missing)}")
        check_field_types(cls, data)
        schema = data["identity"].get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise InvalidResultError(
                f"schema version {schema!r} is not the one this code reads ({SCHEMA_VERSION}); "
                "re-run it or update the code"
            )
        if run_id(data["identity"]) != data["run_id"]:
            raise InvalidResultError(
                f"run_id {data['run_id']} is not the hash of its identity "
                f"({run_id(data['identity'])})"
            )
        _check_consistent(data)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _check_consistent(data: dict) -> None:
    """The measurements must agree with what they were computed from: the run id covers only the
    configuration, so an edited figure would otherwise pass as measured."""
    matrix, n = data["confusion_matrix"], data["test_size"]
    if sum(map(sum, matrix)) != n:
        raise InvalidResultError(f"the confusion matrix does not count the {n} test documents")
    hits = sum(row[i] for i, row in enumerate(matrix) if i < len(row))
    if n and not math.isclose(hits / n, data["accuracy"], rel_tol=1e-9, abs_tol=1e-12):
        raise InvalidResultError(
            f"accuracy {data['accuracy']!r} is not what its confusion matrix gives ({hits / n!r})"
        )
    pred, gold = data.get("test_predictions") or [], data.get("test_labels") or []
    if pred and (len(pred) != len(gold) or sum(p == g for p, g in zip(pred, gold)) != hits):
        raise InvalidResultError("the stored test predictions do not give its confusion matrix")


def _required(f) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _json_type(value) -> str:
    return {list: "a list", type(None): "null", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


@cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def check_field_types(cls: type, values: dict) -> None:
    """Raise ``InvalidResultError`` for the first field of dataclass ``cls`` among ``values`` whose
    value is not of its annotated type (``bench.params.matches``)."""
    hints = _hints(cls)
    for f in fields(cls):
        if f.name in values and not matches(values[f.name], hints[f.name]):
            what = describe(hints[f.name])
            raise InvalidResultError(f"{f.name} must be {what}, got {values[f.name]!r:.80}")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_safe(name: str) -> str:
    """``name`` as part of a file name on any OS: a plug-in's ``pkg.mod:Class`` becomes
    ``pkg.mod-Class`` (registered names are kebab-case and stay as they are; the run id at the
    end of a file name keeps two runs apart)."""
    return _UNSAFE.sub("-", name)


def run_path(results_dir: Path, result_or_config, rid: str) -> Path:
    c = result_or_config
    tok = c.tokenizer["name"] if isinstance(c.tokenizer, dict) else c.tokenizer
    size = f"__n{c.max_train}" if getattr(c, "max_train", None) is not None else ""
    model = file_safe(c.model)
    return (
        results_dir
        / "runs"
        / f"{c.dataset}__{model}__{tok}__{c.profile}__seed{c.seed}{size}__{rid}.json"
    )


def model_dir(results_dir: Path, rid: str) -> Path:
    """Where the fitted model of run ``rid`` is saved (``bench predict`` loads it from there)."""
    return results_dir / "models" / rid


def save_result(results_dir: Path, result: RunResult) -> Path:
    path = run_path(results_dir, result, result.run_id)
    write_json_atomic(path, result.to_dict())
    return path


_RUN_ID = re.compile(r"__([0-9a-f]{16})$")


def _read_json(path: Path):
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InvalidResultError(f"unreadable: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidResultError(f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidResultError(f"not JSON ({exc.msg} at line {exc.lineno})") from exc


def load_run(path: Path) -> RunResult:
    """The run result stored in ``path``; ``InvalidResultError`` says why it cannot be used
    (unreadable, not UTF-8, not JSON, not an object, a field missing or of the wrong type, an
    identity that does not hash to its run id or to the id in the file's name)."""
    result = RunResult.from_dict(_read_json(path))
    named = _RUN_ID.search(path.stem)
    if named and named.group(1) != result.run_id:
        raise InvalidResultError(
            f"the file name says run {named.group(1)}, the record holds run {result.run_id}"
        )
    return result


def read_results(results_dir: Path) -> tuple[list[RunResult], list[str]]:
    """Every valid run result under ``results_dir/runs``, and one line naming each run file left
    out and why (``runs/<name> (<reason>)``). Temp files are ignored."""
    out, problems = [], []
    for path in sorted((results_dir / "runs").glob("*.json")):
        try:
            out.append(load_run(path))
        except InvalidResultError as exc:
            problems.append(f"{path.parent.name}/{path.name} ({exc})")
    return out, problems


def load_results(results_dir: Path) -> list[RunResult]:
    """Every valid run result under ``results_dir/runs`` (``read_results`` names the others)."""
    return read_results(results_dir)[0]


def stored_result(path: Path, results_dir: Path) -> RunResult | None:
    """The valid result at ``path``, or None: absent, or invalid and then quarantined."""
    if not path.exists():
        return None
    try:
        return load_run(path)
    except InvalidResultError as exc:
        quarantine(path, results_dir, str(exc))
        return None
