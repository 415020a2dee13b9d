"""The check class probabilities pass before they are used: in each classic model, and in the
harness for every model's output (a run's, and ``bench predict``'s).

A probability that is NaN or infinite, or a row that does not sum to one, would otherwise be
argmax-ed into an accuracy and written to JSON as ``NaN``; it is an error instead, one line naming
the model and its settings, since only a setting (or a bug) can cause it.
"""

from __future__ import annotations

import numpy as np

from core.errors import UserError


def invalid_rows(proba: np.ndarray, atol: float = 1e-6) -> int:
    """How many rows of ``proba`` are not a distribution: NaN, infinite or negative values, or a
    sum further than ``atol`` from 1."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.size == 0:
        return 0
    finite = np.isfinite(proba).all(axis=1)
    bad = ~finite | (proba < 0).any(axis=1)
    bad[finite] |= ~np.isclose(proba[finite].sum(axis=1), 1.0, atol=atol)
    return int(bad.sum())


def check_probabilities(proba: np.ndarray, model: str, settings: dict) -> np.ndarray:
    """``proba`` unchanged when every row is finite, non-negative and sums to 1; else a
    ``UserError`` naming ``model``, its ``settings`` and how many documents are affected."""
    proba = np.asarray(proba, dtype=np.float64)
    bad = invalid_rows(proba)
    if bad:
        shown = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        raise UserError(
            f"{model} ({shown}) gave invalid class probabilities (NaN, infinite or not summing "
            f"to 1) for {bad:,} of {len(proba):,} documents; change those settings"
        )
    return proba
