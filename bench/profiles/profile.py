"""A profile as typed data: its classifier grid (``Profile``) and language-model plan (``LMPlan``).

Both are frozen dataclasses checked when built (by ``load_profile`` from a TOML file, or by
``dataclasses.replace``): every model, dataset, smoothing and tokenizer they name must be
registered, so a misspelt name fails at start-up with a suggestion, not hours into a grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baselines.ngram import SMOOTHINGS
from bench.datasets import DATASETS
from bench.errors import BenchError, unknown_name
from bench.models import LANGUAGE_MODELS, MODELS
from bench.tokenizers import KOREAN_ANALYZERS, TOKENIZERS


class ProfileError(BenchError):
    """A profile file names something unknown, has an unknown key or a value of the wrong type."""


def _known(registry, names, where: str) -> None:
    for name in names:
        if name not in registry:
            raise ProfileError(f"{where}: {unknown_name(registry.kind, name, list(registry))}")


def _count(value, where: str, *, minimum: int, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProfileError(f"{where} must be an integer of at least {minimum}, got {value!r}")


@dataclass(frozen=True)
class LMPlan:
    """Which language models a profile fits on each dataset and with which settings.

    ``ngram``: (smoothing, order) pairs, fitted in this order. ``neural``: the neural LMs, on the
    datasets of ``neural_datasets`` (None: every dataset). ``knn``: dataset -> settings of the kNN
    memory (``neural.knn_lm.KNNLM``) scored as ``lstm-knn-lm`` over the dataset's ``lstm-lm``.
    """

    ngram: tuple[tuple[str, int], ...] = ()
    neural: tuple[str, ...] = ()
    neural_datasets: tuple[str, ...] | None = None
    neural_params: dict = field(default_factory=dict)  # every neural LM
    dataset_params: dict[str, dict] = field(default_factory=dict)  # dataset -> params chosen for it
    model_params: dict[str, dict] = field(default_factory=dict)  # neural LM -> params chosen for it
    knn: dict[str, dict] = field(default_factory=dict)
    min_count: int = 2  # training words seen fewer times become <unk>
    max_train_docs: int | None = None
    max_test_docs: int | None = None

    def __post_init__(self) -> None:
        _known(SMOOTHINGS, [s for s, _ in self.ngram], "[lm.ngram]")
        for smoothing, order in self.ngram:
            _count(order, f"[lm.ngram] {smoothing}: order", minimum=1, optional=False)
        _known(LANGUAGE_MODELS, self.neural, "[lm] neural")
        _known(LANGUAGE_MODELS, self.model_params, "[lm.model_params]")
        _known(DATASETS, self.neural_datasets or (), "[lm] neural_datasets")
        _known(DATASETS, self.dataset_params, "[lm.dataset_params]")
        _known(DATASETS, self.knn, "[lm.knn]")
        _count(self.min_count, "[lm] min_count", minimum=1, optional=False)
        _count(self.max_train_docs, "[lm] max_train_docs", minimum=1)
        _count(self.max_test_docs, "[lm] max_test_docs", minimum=1)

    def params_for(self, model: str, dataset: str) -> dict:
        """Neural LM ``model``'s hyperparameters on ``dataset``: the plan's, updated by those chosen
        for the dataset, then by those chosen for the model."""
        return {
            **self.neural_params,
            **self.dataset_params.get(dataset, {}),
            **self.model_params.get(model, {}),
        }

    def fits_neural_on(self, dataset: str) -> bool:
        """Whether the plan's neural LMs run on ``dataset``."""
        return self.neural_datasets is None or dataset in self.neural_datasets


@dataclass(frozen=True)
class Profile:
    """How much data and training a run spends: data limits and hyperparameters of the classifier
    grid, the tokenizer per language, the seeds ``bench all`` runs, and the language-model plan."""

    name: str
    description: str
    max_train: int | None = None
    max_test: int | None = None
    model_params: dict[str, dict] = field(default_factory=dict)  # model -> params
    # dataset -> model -> params
    dataset_params: dict[str, dict[str, dict]] = field(default_factory=dict)
    caps_note: str = ""  # what the report says about runs capped by this profile
    seeds: tuple[int, ...] = (0,)  # what `bench all` runs unless --seeds says otherwise
    # language -> tokenizer unless told otherwise
    tokenizers: dict[str, str] = field(default_factory=dict)
    # what `bench all` runs unless --models says otherwise; None: every registered model
    models: tuple[str, ...] | None = None
    korean_analyzers: tuple[str, ...] = KOREAN_ANALYZERS  # the tokenizers of the NSMC x nb rows
    lm: LMPlan = field(default_factory=LMPlan)
    # the wall time `bench all` should take; a grid over it names the phase that took the most
    budget_minutes: int | None = None

    def __post_init__(self) -> None:
        _count(self.max_train, "[classifiers] max_train", minimum=1)
        _count(self.budget_minutes, "budget_minutes", minimum=1)
        _count(self.max_test, "[classifiers] max_test", minimum=1)
        _known(MODELS, self.model_params, "[classifiers.model_params]")
        _known(DATASETS, self.dataset_params, "[classifiers.dataset_params]")
        for dataset, per_model in self.dataset_params.items():
            _known(MODELS, per_model, f"[classifiers.dataset_params.{dataset}]")
        _known(MODELS, self.models or (), "[classifiers] models")
        _known(TOKENIZERS, self.korean_analyzers, "[classifiers] korean_analyzers")
        _known(TOKENIZERS, self.tokenizers.values(), "[tokenizers]")
        for seed in self.seeds:
            _count(seed, "seeds: each seed", minimum=0, optional=False)
        if not isinstance(self.lm, LMPlan):
            raise ProfileError(f"lm must be an LMPlan, got {type(self.lm).__name__}")

    def grid_models(self) -> list[str]:
        """The models `bench all` runs in this profile when no --models is given."""
        return list(self.models) if self.models is not None else list(MODELS)

    def params_for(self, model: str, dataset: str | None = None) -> dict:
        """Classifier ``model``'s hyperparameters, updated by those chosen for it on ``dataset``."""
        return {
            **self.model_params.get(model, {}),
            **self.dataset_params.get(dataset, {}).get(model, {}),
        }
