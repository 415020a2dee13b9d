"""Data slices: ``limit`` documents of a split, stratified by class, the same for every run.

Profiles cap training and test documents (``max_train``, ``max_test``; the language-model plan's
``max_train_docs``, ``max_test_docs``); both the classification runner and the language-model task
take their slices here, so a cap means the same documents everywhere.

A slice holds at least one document of every class of its split. A stratified split rounds each
class's share, and a rare class can round to none (three SMS messages, all ham), which leaves a
classifier that cannot predict that class or fails to fit at all; such a slice is repaired by
swapping documents, and a slice too small for one of each class is refused. Slices that already
hold every class are left exactly as the stratified split makes them, so capped runs keep their
documents.
"""

from __future__ import annotations

import numpy as np

from bench.datasets import Split
from bench.errors import BenchError

SLICE_SEED = 0  # data slices are the same for every run seed, so seeds vary only the model


def stratified_slice(split: Split, limit: int | None) -> Split:
    """``limit`` documents of ``split``, stratified by class, holding at least one document of
    every class, and the same for every run (or all of ``split``)."""
    if limit is None or len(split) <= limit:
        return split
    n_classes = len(np.unique(split.labels))
    if limit < n_classes:
        raise BenchError(
            f"a stratified slice of {limit} documents cannot hold one of each of the "
            f"{n_classes} classes; ask for at least {n_classes}"
        )
    keep = _stratified_keep(split.labels, limit)
    return split.take(_cover_every_class(split.labels, keep))


def _stratified_keep(labels: np.ndarray, limit: int) -> np.ndarray:
    """Sorted indices of ``limit`` of ``labels`` (``n_classes <= limit < len(labels)``) in the
    classes' proportions; a class may round to none."""
    from bench.datasets.base import stratified_split

    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2:  # scikit-learn cannot stratify a class of one: keep it whole
        single = np.flatnonzero(np.isin(labels, classes[counts < 2]))
        rest = np.setdiff1d(np.arange(len(labels)), single)
        kept = rest[_stratified_keep(labels[rest], limit - len(single))]
        return np.sort(np.concatenate([single, kept]))
    # a count, not a fraction: a fraction rounded up can keep one document too few
    left_out = len(labels) - limit
    # too few to stratify; leaving out a handful barely moves the proportions
    if left_out < len(classes):
        drop = np.random.default_rng(SLICE_SEED).choice(len(labels), left_out, replace=False)
        return np.setdiff1d(np.arange(len(labels)), drop)
    keep, _ = stratified_split(labels, left_out, SLICE_SEED)
    return keep


def _cover_every_class(labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``keep`` unchanged if it holds every class of ``labels``; else, for each missing class, one
    of its documents swapped in for one of the class kept most often (same size, ``keep`` holding
    at least as many documents as there are classes)."""
    missing = np.setdiff1d(np.unique(labels), labels[keep])
    if not len(missing):
        return keep
    rng = np.random.default_rng(SLICE_SEED)
    keep = keep.copy()
    for cls in missing:
        kept, counts = np.unique(labels[keep], return_counts=True)
        donors = np.flatnonzero(labels[keep] == kept[np.argmax(counts)])
        keep[rng.choice(donors)] = rng.choice(np.flatnonzero(labels == cls))
    return np.sort(keep)
