"""Data slices: ``limit`` documents of a split, stratified by class, the same for every run.

Profiles cap training and test documents (``max_train``, ``max_test``; the language-model plan's
``max_train_docs``, ``max_test_docs``); both the classification runner and the language-model task
take their slices here, so a cap means the same documents everywhere.
"""

from __future__ import annotations

import numpy as np

from bench.datasets import Split
from bench.errors import BenchError

SLICE_SEED = 0  # data slices are the same for every run seed, so seeds vary only the model


def stratified_slice(split: Split, limit: int | None) -> Split:
    """``limit`` documents of ``split``, stratified by class and the same for every run (or all)."""
    if limit is None or len(split) <= limit:
        return split
    from bench.datasets.base import stratified_split

    n_classes = len(np.unique(split.labels))
    if limit < n_classes:
        raise BenchError(
            f"a stratified slice of {limit} documents cannot hold one of each of the "
            f"{n_classes} classes; ask for at least {n_classes}"
        )
    # a count, not a fraction: a fraction rounded up can keep one document too few
    left_out = len(split) - limit
    # too few to stratify; leaving out a handful barely moves the proportions
    if left_out < n_classes:
        drop = np.random.default_rng(SLICE_SEED).choice(len(split), left_out, replace=False)
        return split.take(np.setdiff1d(np.arange(len(split)), drop))
    keep, _ = stratified_split(split.labels, left_out, SLICE_SEED)
    return split.take(keep)
