"""Choosing a hyperparameter on a validation split carved out of train (never test)."""

from __future__ import annotations

from typing import Callable

import numpy as np


def validation_split(
    labels: np.ndarray, fraction: float, seed: int, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (train, validation) indices of the training set.

    The validation part holds at least one document per class when stratifying; on data too small
    for that (a class with one document) the split is plain random. With ``groups`` (for IMDB, the
    movie of each review) no group is on both sides: one fold of a shuffled
    ``StratifiedGroupKFold`` with ``round(1 / fraction)`` folds is the validation part.
    """
    from sklearn.model_selection import train_test_split

    if groups is not None:
        split = _group_split(np.asarray(labels), np.asarray(groups), fraction, seed)
        if split is not None:
            return split
    idx = np.arange(len(labels))
    counts = np.bincount(labels)
    n_classes = int((counts > 0).sum())
    n_val = max(int(round(fraction * len(labels))), 1)
    stratify = None
    if counts[counts > 0].min() >= 2 and len(labels) - n_classes >= n_classes:
        stratify, n_val = labels, max(n_val, n_classes)
    tr, va = train_test_split(idx, test_size=n_val, stratify=stratify, random_state=seed)
    return np.sort(tr), np.sort(va)


def validation_folds(
    labels: np.ndarray, folds: int, fraction: float, seed: int, groups: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, validation) index pairs: ``validation_split`` when ``folds`` is 1, else the folds of
    a shuffled stratified k-fold (grouped when ``groups`` are given; no group in two folds).

    k folds average out the luck of one small validation set, so cheap models choose their
    hyperparameters by cross-validation. Data too small for k stratified folds gets one split.
    """
    labels = np.asarray(labels)
    if folds <= 1 or _smallest_class(labels) < folds:
        return [validation_split(labels, fraction, seed, groups)]
    if groups is not None and len(np.unique(groups)) < folds:
        groups = None  # too few groups to keep apart: plain stratified folds
    return [(np.sort(tr), np.sort(va)) for tr, va in _kfold(labels, groups, folds, seed)]


def _kfold(labels: np.ndarray, groups: np.ndarray | None, folds: int, seed: int):
    """The (train, validation) pairs of a shuffled stratified k-fold, grouped when ``groups`` is
    given."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    x = np.zeros(len(labels))
    if groups is not None:
        return StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(
            x, labels, groups
        )
    return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, labels)


def _smallest_class(labels: np.ndarray) -> int:
    counts = np.bincount(labels)
    return int(counts[counts > 0].min())


def _group_split(labels: np.ndarray, groups: np.ndarray, fraction: float, seed: int):
    n_folds = max(2, int(round(1 / fraction)))
    if (
        len(groups) != len(labels)
        or len(np.unique(groups)) < n_folds
        or _smallest_class(labels) < n_folds
    ):
        return None  # too few groups for a grouped split: fall back to the plain one
    tr, va = next(iter(_kfold(labels, groups, n_folds, seed)))
    return np.sort(tr), np.sort(va)


def choose_on_validation(
    docs: list,
    labels: np.ndarray,
    score_all: Callable,
    *,
    fraction: float,
    seed: int,
    groups: np.ndarray | None = None,
):
    """The best candidate by
    ``score_all(train_docs, train_y, val_docs, val_y) -> {candidate: score}``.

    ``score_all`` scores every candidate at once so shared work (vectorizing) happens once.
    Returns ``(best, scores)``; ties go to the earlier candidate.
    """
    tr, va = validation_split(labels, fraction, seed, groups)
    scores = score_all([docs[i] for i in tr], labels[tr], [docs[i] for i in va], labels[va])
    best = max(scores, key=lambda c: scores[c])
    return best, scores
