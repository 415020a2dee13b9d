"""Datasets: the registered ones (`bench.datasets.registered`) and users' data files, by name."""

from __future__ import annotations

from pathlib import Path

from bench.datasets.base import Dataset, DatasetSpec, Split
from bench.datasets.registered import BENCHMARK_DATASETS, DATASETS
from bench.datasets.user_files import is_data_file
from bench.errors import BenchError
from core.errors import unknown_name


def get_dataset(name: str) -> DatasetSpec:
    """The spec registered as ``name``, else that of a user's data file declared or remembered
    under that name (``bench.datasets.catalogue``); an unknown name suggests the closest ones."""
    if name in DATASETS:
        return DATASETS.get(name)
    from bench.datasets import catalogue

    source = catalogue.lookup(name)
    if source is None and is_data_file(name):
        raise BenchError(f"no such data file: {name}")
    if source is None and Path(name).suffix and Path(name).is_file():
        raise BenchError(
            f"{name}: unknown file type {Path(name).suffix!r}; a data file is .csv, .tsv, "
            ".jsonl or .parquet"
        )
    if source is None:
        raise unknown_name("dataset", name, DATASETS.names() + catalogue.names())
    return source.spec()


def dataset_names() -> list[str]:
    """The registered datasets, then the user datasets this process can see."""
    from bench.datasets import catalogue

    return DATASETS.names() + [n for n in catalogue.names() if n not in DATASETS]


__all__ = [
    "DATASETS",
    "BENCHMARK_DATASETS",
    "Dataset",
    "DatasetSpec",
    "Split",
    "dataset_names",
    "get_dataset",
]
