"""The shared path of the naive Bayes and linear text classifiers: count once, choose, refit.

``BagOfNgramsClassifier.fit`` counts the training documents' n-grams once (vocabulary from train
only), scores every hyperparameter combination on a validation split carved out of train (never
test), refits the best one on all of train and records the choice and every validation score in
``params()``. Subclasses supply two hooks: ``_search_space()`` (candidate values per
hyperparameter) and ``_estimator(**values)`` (an unfitted scikit-learn classifier over the count
matrix), and may add fixed settings in ``_fixed_params()``.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from baselines.features import NgramCounter, document_frequency, min_df_columns
from core.errors import UserError
from core.probabilities import check_probabilities
from core.validation import validation_folds


def candidates(value, values) -> tuple:
    """``(value,)`` when a value is fixed, else the candidate ``values`` to choose from."""
    if value is not None:
        return (value,)
    values = tuple(values)
    if not values:
        raise ValueError("give a fixed value or at least one candidate to choose from")
    return values


class BagOfNgramsClassifier:
    """The shared path of ``nb``, ``nb-bigram``, ``cnb``, ``tfidf-lr`` and ``nbsvm``.

    ``ngram`` is the longest word n-gram counted, ``binary`` counts presence instead of
    frequency, and the vocabulary cutoff ``min_df`` (documents a feature must occur in, counted in
    the training part) is fixed or chosen from ``min_dfs``. With ``validation_folds`` > 1 each
    candidate is scored by k-fold cross-validation on train (mean accuracy) instead of on one
    split of ``validation_fraction``.
    """

    #: allowed values, checked by the harness before any data is read
    #: (``bench.params.check_ranges``): ``(low, high, ends allowed)`` or a set of choices
    _param_ranges = {
        "ngram": (1, None, "left"),
        "min_df": (1, None, "left"),
        "min_dfs": (1, None, "left"),
        "validation_fraction": (0, 1, "neither"),
        "validation_folds": (1, None, "left"),
    }

    def __init__(
        self,
        *,
        seed: int = 0,
        ngram: int = 1,
        binary: bool = True,
        min_df: int | None = 1,
        min_dfs: tuple[int, ...] = (1, 2),
        validation_fraction: float = 0.1,
        validation_folds: int = 1,
    ):
        self.seed = seed
        self.ngram = ngram
        self.binary = binary
        self.min_df = min_df
        self.min_dfs = tuple(min_dfs)
        self.validation_fraction = validation_fraction
        self.validation_folds = validation_folds

    def _search_space(self) -> dict[str, tuple]:
        """Candidate values of each model hyperparameter (one value when it is fixed)."""
        raise NotImplementedError

    def _estimator(self, **values):
        """An unfitted scikit-learn classifier with these hyperparameter values."""
        raise NotImplementedError

    def _fixed_params(self) -> dict:
        """Settings of the subclass that are not searched (recorded in ``params()``)."""
        return {}

    def _grid(self) -> list[dict]:
        space = {"min_df": candidates(self.min_df, self.min_dfs), **self._search_space()}
        return [dict(zip(space, values)) for values in itertools.product(*space.values())]

    def fit(
        self,
        docs: list[list[str]],
        labels: np.ndarray,
        n_classes: int,
        groups: np.ndarray | None = None,
    ) -> "BagOfNgramsClassifier":
        """Count n-grams of ``docs``, choose hyperparameters on a validation split, refit on all.

        ``groups`` (documents that belong together, such as reviews of one movie) never straddle
        the validation split.
        """
        if len(docs) == 0:
            raise ValueError("cannot fit on an empty training set; check the dataset's train split")
        labels = np.asarray(labels, dtype=np.int64)
        self.n_classes_ = int(n_classes)
        self.vectorizer_ = NgramCounter(self.ngram, binary=self.binary)
        counts = self.vectorizer_.fit_transform(docs)
        self._check_min_df(counts)
        grid = self._grid()
        with warnings.catch_warnings():
            # liblinear's iteration cap is a recorded hyperparameter (``max_iter``), not a fault
            from sklearn.exceptions import ConvergenceWarning

            warnings.simplefilter("ignore", ConvergenceWarning)
            self.validation_ = (
                self._score_on_validation(counts, labels, grid, groups) if len(grid) > 1 else []
            )
            scores = [v["accuracy"] for v in self.validation_] or [0.0]
            self.chosen_ = dict(grid[int(np.argmax(scores))])  # ties go to the earlier candidate
            values = dict(self.chosen_)
            self.columns_ = min_df_columns(counts, values.pop("min_df"))
            self.estimator_ = self._estimator(**values).fit(counts[:, self.columns_], labels)
        return self

    def _check_min_df(self, counts) -> None:
        """Refuse a vocabulary cutoff that keeps no n-gram of these training documents."""
        most = int(document_frequency(counts).max())
        name = "min_df" if self.min_df is not None else "min_dfs"
        for min_df in candidates(self.min_df, self.min_dfs):
            if min_df > most:
                raise UserError(
                    f"{name} {min_df} keeps no n-gram: none occurs in more than {most:,} of the "
                    f"{counts.shape[0]:,} training documents; use at most {most:,}"
                )

    def _score_on_validation(
        self, counts, labels: np.ndarray, grid: list[dict], groups=None
    ) -> list[dict]:
        """Validation accuracy of each grid point (mean over folds), fitted on the rest of train."""
        folds = validation_folds(
            labels, self.validation_folds, self.validation_fraction, self.seed, groups
        )
        per_fold = [self._score_fold(counts, labels, grid, tr, va) for tr, va in folds]
        return [
            {**point, "accuracy": float(np.mean([f[i] for f in per_fold]))}
            for i, point in enumerate(grid)
        ]

    def _score_fold(
        self, counts, labels: np.ndarray, grid: list[dict], tr: np.ndarray, va: np.ndarray
    ) -> list[float]:
        x_tr, x_va = counts[tr], counts[va]
        scores = []
        for min_df, points in itertools.groupby(grid, key=lambda p: p["min_df"]):
            # the columns a vectorizer fitted on the training part alone would keep
            cols = min_df_columns(x_tr, min_df)
            a, b = x_tr[:, cols], x_va[:, cols]
            for point in points:
                values = {k: v for k, v in point.items() if k != "min_df"}
                if len(np.unique(labels[tr])) < 2 or not len(cols):
                    # a tiny training part: one class, or no n-gram frequent enough in it
                    pred = np.full(len(va), np.bincount(labels[tr]).argmax())
                else:
                    pred = self._estimator(**values).fit(a, labels[tr]).predict(b)
                scores.append(float(np.mean(pred == labels[va])))
        return scores

    def _features(self, docs: list[list[str]]):
        return self.vectorizer_.transform(docs)[:, self.columns_]

    def predict_proba(self, docs: list[list[str]]) -> np.ndarray:
        """Class probabilities, ``(len(docs), n_classes)``; classes absent from train get 0."""
        out = np.zeros((len(docs), self.n_classes_))
        if len(docs):
            out[:, self.estimator_.classes_] = self.estimator_.predict_proba(self._features(docs))
        return check_probabilities(out, type(self).__name__, self.chosen_)

    def known_token_count(self, docs: list[list[str]]) -> np.ndarray:
        """How many tokens of each document are in the training vocabulary (0: the prediction is
        the class prior and nothing of the document)."""
        vocab = self.vectorizer_.unigrams_
        return np.array([sum(tok in vocab for tok in doc) for doc in docs], dtype=np.int64)

    def params(self) -> dict:
        """Every hyperparameter: chosen values, candidates tried and their validation accuracy."""
        out = {
            "ngram": self.ngram,
            "binary": self.binary,
            "validation_fraction": self.validation_fraction,
            "validation_folds": self.validation_folds,
        }
        space = {"min_df": candidates(self.min_df, self.min_dfs), **self._search_space()}
        for name, values in space.items():
            out[name] = self.chosen_[name]
            out[f"{name}s_tried"] = list(values)
        out.update(self._fixed_params())
        out["validation_accuracy"] = self.validation_
        out["vocabulary_size"] = int(len(self.columns_))
        return out

    def n_parameters(self) -> int:
        """Learned weights: coefficients and intercepts of the linear model."""
        est = self.estimator_
        return int(np.size(est.coef_) + np.size(est.intercept_))
