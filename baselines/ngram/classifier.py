"""Class-conditional n-gram language models as a classifier (Peng & Schuurmans 2003).

"Combining naive Bayes and n-gram language models for text classification" (ECIR 2003): fit one
smoothed n-gram LM per class and predict argmax_c log P(c) + log P_c(document). With order 1 this is
multinomial naive Bayes; higher orders let the model see word order. All class models share one
vocabulary (the training words), so every class spreads its probability over the same words and
their likelihoods are comparable. Order and smoothing are chosen on a validation split of train.
"""

from __future__ import annotations

import itertools

import numpy as np

from baselines.ngram import SMOOTHINGS, make_lm
from baselines.ngram.counts import NgramCounts
from baselines.ngram.vocab import SPECIALS, Vocabulary
from core.probabilities import check_probabilities
from core.validation import choose_on_validation


class NgramLMClassifier:
    """One n-gram LM per class, prior x likelihood (Peng & Schuurmans 2003).

    ``order`` or ``smoothing`` left None is chosen on a validation split of the training data.
    """

    #: allowed values, checked by the harness before any data is read
    #: (``bench.params.check_ranges``): ``(low, high, ends allowed)`` or a set of choices.
    #: Unsmoothed ``mle`` gives every class probability 0 for a document with an n-gram none of
    #: them saw, which leaves no probabilities to compare.
    _param_ranges = {
        "order": (1, None, "left"),
        "orders": (1, None, "left"),
        "smoothing": set(SMOOTHINGS) - {"mle"},
        "smoothings": set(SMOOTHINGS) - {"mle"},
        "min_count": (1, None, "left"),
        "validation_fraction": (0, 1, "neither"),
    }

    def __init__(
        self,
        *,
        seed: int = 0,
        order: int | None = None,
        smoothing: str | None = None,
        orders: tuple[int, ...] = (1, 2, 3),
        smoothings: tuple[str, ...] = ("mkn", "witten-bell", "absolute"),
        min_count: int = 1,
        validation_fraction: float = 0.1,
    ):
        self.seed = seed
        self.order = order
        self.smoothing = smoothing
        self.orders = tuple(orders)
        self.smoothings = tuple(smoothings)
        self.min_count = min_count
        self.validation_fraction = validation_fraction

    def _class_models(
        self,
        docs: list[list[str]],
        labels: np.ndarray,
        n_classes: int,
        candidates: list[tuple[int, str]],
    ) -> tuple[np.ndarray, dict]:
        """Log priors and, per candidate, one fitted LM per class (None: a class with no documents).

        Counts are made once per class at the highest candidate order and shared by every candidate.
        """
        vocab = Vocabulary.build(docs, min_count=self.min_count)
        top = max(order for order, _ in candidates)
        counts_per_class = np.bincount(labels, minlength=n_classes)
        with np.errstate(divide="ignore"):
            log_prior = np.log(counts_per_class / counts_per_class.sum())
        models = {c: [] for c in candidates}
        for k in range(n_classes):
            class_docs = [docs[i] for i in np.flatnonzero(labels == k)]
            counts = NgramCounts(vocab.encode(class_docs), top, len(vocab)) if class_docs else None
            for order, smoothing in candidates:
                lm = make_lm(smoothing, order=order, vocabulary=vocab)
                models[(order, smoothing)].append(lm.fit_counts(vocab, counts) if counts else None)
        return log_prior, models

    @staticmethod
    def _joint(log_prior: np.ndarray, lms: list, docs: list[list[str]]) -> np.ndarray:
        """log P(c) + log P_c(doc) for every document and class."""
        out = np.full((len(docs), len(lms)), -np.inf)
        for k, lm in enumerate(lms):
            if lm is not None:
                out[:, k] = log_prior[k] + lm.log_prob(docs)
        return out

    def fit(
        self,
        docs: list[list[str]],
        labels: np.ndarray,
        n_classes: int,
        groups: np.ndarray | None = None,
    ) -> "NgramLMClassifier":
        """Choose order and smoothing on a validation split (unless fixed), then fit on ``docs``."""
        labels = np.asarray(labels)
        self.n_classes_ = n_classes
        orders = (self.order,) if self.order else self.orders
        smoothings = (self.smoothing,) if self.smoothing else self.smoothings
        candidates = list(itertools.product(orders, smoothings))
        self.validation_scores_ = {}
        if len(candidates) > 1:

            def scores(tr_docs, tr_y, va_docs, va_y):
                log_prior, models = self._class_models(tr_docs, tr_y, n_classes, candidates)
                return {
                    c: float(np.mean(self._joint(log_prior, lms, va_docs).argmax(axis=1) == va_y))
                    for c, lms in models.items()
                }

            best, self.validation_scores_ = choose_on_validation(
                docs,
                labels,
                scores,
                fraction=self.validation_fraction,
                seed=self.seed,
                groups=groups,
            )
        else:
            best = candidates[0]
        self.order_, self.smoothing_ = best
        self.log_prior_, models = self._class_models(docs, labels, n_classes, [best])
        self.models_ = models[best]
        return self

    def predict_proba(self, docs: list[list[str]]) -> np.ndarray:
        """P(class | doc) by Bayes' rule from the class priors and the class models' likelihoods."""
        joint = self._joint(self.log_prior_, self.models_, docs)
        joint -= joint.max(axis=1, keepdims=True)
        proba = np.exp(joint)
        proba /= proba.sum(axis=1, keepdims=True)
        settings = {"order": self.order_, "smoothing": self.smoothing_}
        return check_probabilities(proba, type(self).__name__, settings)

    def known_token_count(self, docs: list[list[str]]) -> np.ndarray:
        """How many tokens of each document are in the shared training vocabulary (0: the
        prediction rests on the class priors and the unknown-word probabilities alone)."""
        fitted = next((m for m in self.models_ if m is not None), None)
        index = fitted.vocab_.index if fitted else {}
        first_word = len(SPECIALS)  # <unk>, <s>, </s> come first
        known = [sum(index.get(tok, 0) >= first_word for tok in doc) for doc in docs]
        return np.array(known, dtype=np.int64)

    def params(self) -> dict:
        """Hyperparameters, chosen order and smoothing, and each candidate's validation accuracy."""
        fitted = next((m for m in self.models_ if m is not None), None)
        return {
            "order": self.order_,
            "smoothing": self.smoothing_,
            "orders_tried": list(self.orders),
            "smoothings_tried": list(self.smoothings),
            "min_count": self.min_count,
            "validation_fraction": self.validation_fraction,
            "validation_accuracy": {f"{o}/{s}": v for (o, s), v in self.validation_scores_.items()},
            "vocabulary_size": len(fitted.vocab_) if fitted else 0,
            "class_priors": np.exp(self.log_prior_).tolist(),
        }

    def n_parameters(self) -> int:
        """Stored probabilities and back-off weights over all class models."""
        return int(sum(2 * sum(len(t) for t in m.tables_) for m in self.models_ if m is not None))
