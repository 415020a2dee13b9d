"""Tokenized slices of the real datasets for the benchmarks, loaded once per session.

Skips (through ``pytest.skip``) when the real data is not in ``BENCH_DATA_HOME`` /
``../shared/data``.
"""

from __future__ import annotations

import functools
import os

import pytest

from tests.conftest import REAL_DATA_HOME


@functools.lru_cache(maxsize=None)
def _load(dataset: str, max_train: int | None, max_test: int | None):
    from bench.datasets import get_dataset
    from bench.slicing import stratified_slice
    from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer

    spec = get_dataset(dataset)
    data = spec.load()
    train = stratified_slice(data.train, max_train)
    test = stratified_slice(data.test, max_test)
    tok = make_tokenizer(DEFAULT_FOR_LANGUAGE[spec.language])
    return (
        tok.tokenize_many(train.texts),
        train.labels,
        tok.tokenize_many(test.texts),
        test.labels,
        len(spec.classes),
    )


def tokenized_slice(dataset: str, max_train: int | None = None, max_test: int | None = None):
    """``(train_docs, train_labels, test_docs, test_labels, n_classes)`` of a stratified slice."""
    if REAL_DATA_HOME is None:
        pytest.skip("the real datasets are not here: set BENCH_DATA_HOME to ../shared/data")
    os.environ.setdefault("BENCH_OFFLINE", "1")
    previous = os.environ.get("BENCH_DATA_HOME")
    os.environ["BENCH_DATA_HOME"] = str(REAL_DATA_HOME)
    try:
        return _load(dataset, max_train, max_test)
    finally:
        if previous is None:
            os.environ.pop("BENCH_DATA_HOME", None)
        else:
            os.environ["BENCH_DATA_HOME"] = previous
