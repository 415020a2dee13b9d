"""The model registry: one line per model, imported on first use.

A classifier is a class with keyword-only hyperparameters (``seed`` among them) and::

    fit(docs: list[list[str]], labels: np.ndarray, n_classes: int) -> self
    predict_proba(docs: list[list[str]]) -> np.ndarray  # (n_docs, n_classes)
    params() -> dict                                    # every hyperparameter, chosen values included

Optional: ``n_parameters()``, ``history_`` (per-epoch dicts), ``save(dir)``. Models never compute
benchmark metrics; the runner does, the same way for every model.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from bench.registry import Registry


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its name, family (``classic``/``neural``) and ``"module:Class"``."""

    name: str
    family: str
    target: str
    description: str

    def cls(self) -> type:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def describe(self) -> dict:
        return {"name": self.name, "family": self.family, "description": self.description}


MODELS: Registry[ModelSpec] = Registry("model")


def _add(name: str, family: str, target: str, description: str) -> None:
    MODELS.register(name, ModelSpec(name, family, target, description))


_add("nb", "classic", "baselines.naive_bayes:NaiveBayes", "multinomial naive Bayes on unigram counts")
_add("lstm", "neural", "neural.lstm:LSTMClassifier", "Keras LSTM classifier over word embeddings")


def get_model(name: str) -> ModelSpec:
    """The model registered as ``name`` (an unknown name suggests the closest ones)."""
    return MODELS.get(name)
