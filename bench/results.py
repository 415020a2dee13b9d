"""Run configurations and results: typed, one JSON file per run, written atomically."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


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

    def to_dict(self, *, with_predictions: bool = True) -> dict:
        out = asdict(self)
        if not with_predictions:
            out.pop("test_predictions")
            out.pop("test_labels")
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "RunResult":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` so a reader never sees a half-written file (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates it private; results are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_path(results_dir: Path, result_or_config, rid: str) -> Path:
    c = result_or_config
    tok = c.tokenizer["name"] if isinstance(c.tokenizer, dict) else c.tokenizer
    size = f"__n{c.max_train}" if getattr(c, "max_train", None) is not None else ""
    return (
        results_dir
        / "runs"
        / f"{c.dataset}__{c.model}__{tok}__{c.profile}__seed{c.seed}{size}__{rid}.json"
    )


def model_dir(results_dir: Path, rid: str) -> Path:
    """Where the fitted model of run ``rid`` is saved (``bench predict`` loads it from there)."""
    return results_dir / "models" / rid


def save_result(results_dir: Path, result: RunResult) -> Path:
    path = run_path(results_dir, result, result.run_id)
    write_json_atomic(path, result.to_dict())
    return path


def load_results(results_dir: Path) -> list[RunResult]:
    """Every complete run result under ``results_dir/runs`` (temp files are ignored)."""
    out = []
    for path in sorted((results_dir / "runs").glob("*.json")):
        try:
            out.append(RunResult.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (json.JSONDecodeError, TypeError, OSError):
            continue  # never written by us half-way; a file a user broke is skipped
    return out
