"""Data-efficiency sweeps and scaling runs: the same model on growing slices of the training data.

Every point is an ordinary run whose configuration caps the training documents (``max_train``,
part of the run's identity), so it is stored, skipped when done and reported like any other run.
``full`` (``None``) is the run without a cap: the same run the main grid makes, reused if present.

- ``sweep``: accuracy against training-set size (1k, 5k, 25k, full) for naive Bayes, the best
  linear model and the main neural models: where, if anywhere, neural models overtake classic ones.
- ``scale``: fit time and peak memory against data size on the raw NSMC crawl (``nsmc-raw``,
  10k to 440k reviews) for naive Bayes, and neural models on smaller growing slices.
"""

from __future__ import annotations

from bench.datahome import file_status
from bench.datasets import get_dataset
from bench.errors import BenchError
from bench.models import MODELS
from bench.results import RunConfig
from bench.runner import make_config

SWEEP_SIZES: tuple[int | None, ...] = (1_000, 5_000, 25_000, None)
#: Tried in this order; those not registered (yet) are left out.
SWEEP_MODELS = ("nb", "tfidf-lr", "nbsvm", "fasttext", "lstm", "cnn-lstm", "transformer")

SCALE_DATASET = "nsmc-raw"
SCALE_CLASSIC_MODELS = ("nb",)
SCALE_CLASSIC_SIZES: tuple[int | None, ...] = (10_000, 30_000, 100_000, 300_000, None)
SCALE_NEURAL_MODELS = ("lstm",)
SCALE_NEURAL_SIZES: tuple[int | None, ...] = (2_000, 5_000, 10_000, 20_000)


def parse_sizes(raw: list[str] | None, default: tuple[int | None, ...]) -> list[int | None]:
    """Sizes as typed on the command line: positive integers (``10k`` and ``1_000`` allowed) or
    ``full``."""
    if not raw:
        return list(default)
    out: list[int | None] = []
    for item in raw:
        text = item.strip().lower().replace("_", "").replace(",", "")
        if text in ("full", "all"):
            out.append(None)
            continue
        factor = 1_000 if text.endswith("k") else 1
        try:
            value = int(text.rstrip("k")) * factor
        except ValueError:
            value = 0
        if value < 1:
            raise BenchError(
                "--sizes expects positive numbers of documents (e.g. 1000 5k) or "
                f"'full', got {item!r}"
            )
        out.append(value)
    return out


def default_models(candidates: tuple[str, ...]) -> list[str]:
    """The candidates that are registered models."""
    return [m for m in candidates if m in MODELS]


def train_size_of(dataset: str) -> int:
    """Training documents of a dataset: its published size when its files are the real ones,
    else counted by loading it."""
    spec = get_dataset(dataset)
    if spec.sizes and all(file_status(f) == "present" for f in spec.files):
        return spec.sizes[0]
    return len(spec.load().train)


def effective_sizes(sizes: list[int | None], n_train: int) -> list[int | None]:
    """Sizes below the dataset's training size, then ``None`` (full) if asked for or if a size
    reached it; duplicates dropped, order kept."""
    out: list[int | None] = []
    for size in sizes:
        size = None if size is None or size >= n_train else size
        if size not in out:
            out.append(size)
    return out


def plan_sizes(
    datasets: list[str], models: list[str], sizes: list[int | None], seeds: list[int], profile: str
) -> list[RunConfig]:
    """One run per (dataset, size, model, seed); smallest sizes first, so curves fill in early."""
    configs = []
    for dataset in datasets:
        for size in effective_sizes(sizes, train_size_of(dataset)):
            for model in models:
                configs += [
                    make_config(dataset, model, profile=profile, seed=s, max_train=size)
                    for s in seeds
                ]
    return configs


def plan_scale(
    dataset: str,
    classic: list[str],
    classic_sizes: list[int | None],
    neural: list[str],
    neural_sizes: list[int | None],
    profile: str,
    seed: int = 0,
) -> list[RunConfig]:
    """The scaling runs: classic models on sizes up to the whole crawl, neural ones on slices."""
    return plan_sizes([dataset], classic, classic_sizes, [seed], profile) + plan_sizes(
        [dataset], neural, neural_sizes, [seed], profile
    )
