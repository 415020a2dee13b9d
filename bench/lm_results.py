"""Language-model results, typed and versioned: one JSON file per fitted and scored model.

``LMResult`` is what ``bench lm`` writes for each (model, order) of a dataset (``bench.lm_task``);
``LMScaleResult`` what ``bench scale`` writes for each n-gram scaling point (``bench.lm_scale``).
Both are frozen dataclasses checked when built, and ``from_dict`` checks what a file holds: the
schema version, the type of every field, and that ``run_id`` is the hash of ``identity``
(``bench.results.run_id``), so a result is always traced to the run that made it.

Files written before ``schema_version`` existed hold the fields of version 1 without it and load
as version 1. An ``LMResult`` needs only ``task``, ``dataset``, ``model``, ``perplexity`` and
``tokens``; the other fields a hand-written record may leave out are None (a record without an
identity cannot be traced to a run, and a run id without its identity is rejected).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar

from bench.results import InvalidResultError, check_field_types, run_id

LM_SCHEMA_VERSION = 1


class _Validated:
    """What both result types share: checks when built, ``to_dict`` and ``from_dict``."""

    TASK: ClassVar[str]
    REQUIRED: ClassVar[tuple[str, ...]]

    def __post_init__(self) -> None:
        check_field_types(type(self), {f.name: getattr(self, f.name) for f in fields(self)})
        if self.task != self.TASK:
            raise InvalidResultError(f"task must be {self.TASK!r}, got {self.task!r}")
        if self.schema_version != LM_SCHEMA_VERSION:
            raise InvalidResultError(
                f"schema version {self.schema_version} is not the one this "
                f"code reads ({LM_SCHEMA_VERSION}); re-run it or update the "
                "code"
            )
        if (self.identity is None) != (self.run_id is None):
            raise InvalidResultError("run_id and identity come together: one of them is missing")
        if self.identity is not None and run_id(self.identity) != self.run_id:
            raise InvalidResultError(
                f"run_id {self.run_id} is not the hash of its identity ({run_id(self.identity)})"
            )

    def to_dict(self) -> dict:
        """Every field, as the JSON file holds it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The result a parsed JSON file holds; ``InvalidResultError`` says what is wrong with it.
        Keys this type does not have are ignored; a file without ``schema_version`` is version 1."""
        if not isinstance(data, dict):
            raise InvalidResultError(f"expected a JSON object, got {type(data).__name__}")
        missing = [k for k in cls.REQUIRED if k not in data]
        if missing:
            raise InvalidResultError(f"missing {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        return cls(**{"schema_version": 1, **{k: v for k, v in data.items() if k in known}})


@dataclass(frozen=True, kw_only=True)
class LMResult(_Validated):
    """One language model fitted on a dataset's train text and scored on its test text: perplexity
    (OOVs included, ``</s>`` scored), costs, the identity that names its file, and what the
    model's kind adds (n-gram: counting time and match lengths; neural: training history; kNN:
    the memory)."""

    TASK: ClassVar[str] = "lm"
    REQUIRED: ClassVar[tuple[str, ...]] = ("task", "dataset", "model", "perplexity", "tokens")

    task: str
    dataset: str
    model: str  # ngram-<smoothing> or a neural LM's registry name
    perplexity: float | None  # None: a model that ranks but does not normalise (stupid backoff)
    tokens: int
    schema_version: int = LM_SCHEMA_VERSION
    run_id: str | None = None
    identity: dict | None = None
    language: str | None = None
    profile: str | None = None
    seed: int | None = None
    family: str | None = None  # classic (n-gram) or neural
    order: int | None = None  # n-gram order; None for neural LMs
    smoothing: str | None = None
    perplexity_excl_oov: float | None = None
    oov: int | None = None
    fit_seconds: float | None = None
    score_seconds: float | None = None
    tokens_per_s_scoring: float | None = None
    tokenizer: dict | str | None = None
    peak_rss_mb: float | None = None
    versions: dict | None = None
    machine: dict | None = None
    finished_at: str | None = None
    # what a kind of model adds
    count_seconds: float | None = None  # n-gram: counting, shared by every smoothing and order
    model_params: dict | None = None
    match_length_shares: list | None = None  # n-gram: test tokens by longest n-gram in training
    history: list | None = None  # neural: per-epoch records
    seconds_per_epoch: float | None = None
    train_tokens_per_s: float | None = None
    restored_model: dict | None = None  # neural: the saved model this run restored, if any
    knn: dict | None = None  # kNN memory: its settings and costs
    base_fit_seconds: float | None = None  # kNN memory: its base LM's training
    n_parameters: int | None = None
    model_bytes: int | None = None
    samples: list | None = None  # sentences drawn from the model


@dataclass(frozen=True, kw_only=True)
class LMScaleResult(_Validated):
    """One point of an n-gram model's scaling curve: fit time, memory and perplexity after training
    on the first ``train_size`` documents of a fixed shuffle of the corpus."""

    TASK: ClassVar[str] = "lm-scale"
    REQUIRED: ClassVar[tuple[str, ...]] = (
        "task",
        "run_id",
        "identity",
        "dataset",
        "profile",
        "model",
        "train_size",
        "train_tokens",
        "fit_seconds",
        "perplexity",
    )

    task: str
    run_id: str
    identity: dict
    dataset: str
    profile: str
    model: str
    train_size: int
    train_tokens: int
    fit_seconds: float
    perplexity: float
    schema_version: int = LM_SCHEMA_VERSION
    family: str = "classic"
    tokenizer: dict | None = None
    data_sha256: str | None = None
    order: int | None = None
    smoothing: str | None = None
    min_count: int | None = None
    shuffle_seed: int | None = None
    max_train_docs: int | None = None
    vocabulary: int | None = None
    fit_memory_mb: float | None = None
    peak_rss_mb: float | None = None
    oov: int | None = None
    tokens: int | None = None
    score_seconds: float | None = None
    versions: dict | None = None
    machine: dict | None = None
    finished_at: str | None = None
