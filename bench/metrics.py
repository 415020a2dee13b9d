"""Benchmark metrics, computed by the harness the same way for every model."""

from __future__ import annotations

import numpy as np


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> dict:
    """Accuracy, macro-F1, per-class F1 and the confusion matrix (rows true, columns predicted)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    labels = list(range(n_classes))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
        "per_class_f1": [
            float(f) for f in f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
        ],
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
