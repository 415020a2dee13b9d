"""Choosing a hyperparameter on a validation split carved out of train (never test)."""

from __future__ import annotations

from typing import Callable

import numpy as np


def validation_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (train, validation) indices of the training set; plain random if a class is tiny."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    counts = np.bincount(labels)
    stratify = labels if counts[counts > 0].min() >= 2 else None
    tr, va = train_test_split(idx, test_size=fraction, stratify=stratify, random_state=seed)
    return np.sort(tr), np.sort(va)


def choose_on_validation(docs: list, labels: np.ndarray, score_all: Callable, *, fraction: float,
                         seed: int):
    """The best candidate by ``score_all(train_docs, train_y, val_docs, val_y) -> {candidate: score}``.

    ``score_all`` scores every candidate at once so shared work (vectorizing) happens once.
    Returns ``(best, scores)``; ties go to the earlier candidate.
    """
    tr, va = validation_split(labels, fraction, seed)
    scores = score_all([docs[i] for i in tr], labels[tr], [docs[i] for i in va], labels[va])
    best = max(scores, key=lambda c: scores[c])
    return best, scores
