"""NBSVM (Wang & Manning 2012): a linear SVM on naive-Bayes-scaled binarized n-gram features.

Wang, S. and Manning, C. D. (2012). Baselines and Bigrams: Simple, Good Sentiment and Topic
Classification. ACL 2012. With binarized features ``x̃ = 1{f > 0}`` and the smoothed
log-count ratio

    p = α + Σ_{i: y_i = 1} x̃_i,   q = α + Σ_{i: y_i = 0} x̃_i,
    r = log((p / ‖p‖₁) / (q / ‖q‖₁)),

an L2-regularized L2-loss linear SVM (liblinear, scikit-learn's ``LinearSVC``) is trained on
``x̂ = r ∘ x̃``, and its weights are interpolated with their mean magnitude,
``w' = (1 − β) w̄ + β w`` with ``w̄ = ‖w‖₁ / |V|`` (β = 0.25 in the paper), which pulls the model
towards naive Bayes. Since ``w' · (r ∘ x̃) = (r ∘ w') · x̃`` the fitted model is a linear model on
``x̃`` with ``coef_ = r ∘ w'``. More than two classes: one binary model per class against the rest,
each with its own ratio ``r`` (Wang & Manning's topic experiments), highest score wins.
``loss="lr"`` swaps the SVM for logistic regression (Mesnil et al. 2015's variant).

Wang & Manning's code (liblinear ``-s 1`` without ``-B``; C = 1, β = 0.25, α = 1) fits no
intercept; ``fit_intercept=False`` reproduces that. By default we fit one and interpolate it like
the weights, towards naive Bayes' bias (the log prior ratio): ``b' = (1 − β) w̄ log(N₊/N₋) + β b``.
Without any intercept a document with few known n-grams scores about 0 whatever the data, which
costs short texts (NSMC reviews, SMS messages) more than the intercept costs long ones (IMDB, R8).
Keeping the SVM's ``b`` unscaled next to weights scaled by β misplaces the threshold. The
experiments behind both choices are in ``docs/classic-models.md``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin

from baselines.bow_classifier import BagOfNgramsClassifier, candidates


def binarize(x: sp.spmatrix) -> sp.csr_matrix:
    """``1{x > 0}`` as a float CSR matrix."""
    x = sp.csr_matrix(x, dtype=np.float64, copy=True)
    x.data = (x.data > 0).astype(np.float64)
    x.eliminate_zeros()
    return x


def log_count_ratio(x: sp.spmatrix, positive: np.ndarray, alpha: float) -> np.ndarray:
    """Wang & Manning's ``r``: log ratio of the smoothed, normalized feature counts of the
    ``positive`` rows of binarized ``x`` to those of the other rows."""
    p = alpha + np.asarray(x[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[~positive].sum(axis=0)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


def interpolate(w: np.ndarray, beta: float) -> np.ndarray:
    """``w' = (1 − β) w̄ + β w`` with ``w̄ = ‖w‖₁ / |V|``, the mean weight magnitude."""
    return (1.0 - beta) * np.abs(w).mean() + beta * w


class NBSVMClassifier(ClassifierMixin, BaseEstimator):
    """NBSVM on a document × feature count matrix (scikit-learn estimator; see module docstring)."""

    def __init__(
        self,
        C: float = 1.0,
        beta: float = 0.25,
        alpha: float = 1.0,
        loss: str = "svm",
        fit_intercept: bool = True,
        max_iter: int = 1000,
        random_state: int = 0,
    ):
        self.C = C
        self.beta = beta
        self.alpha = alpha
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.random_state = random_state

    def _binary_model(self):
        if self.loss == "svm":
            from sklearn.svm import LinearSVC

            return LinearSVC(
                C=self.C,
                fit_intercept=self.fit_intercept,
                max_iter=self.max_iter,
                random_state=self.random_state,
            )
        if self.loss == "lr":
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(
                C=self.C,
                solver="liblinear",
                fit_intercept=self.fit_intercept,
                max_iter=self.max_iter,
            )
        raise ValueError(f"loss must be 'svm' or 'lr', got {self.loss!r}")

    def fit(self, x: sp.spmatrix, y: np.ndarray) -> "NBSVMClassifier":
        x, y = binarize(x), np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("NBSVM needs at least two classes in the training labels")
        # two classes: one model for the second class; more: one per class against the rest
        positives = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        coefs, intercepts = [], []
        for cls in positives:
            pos = y == cls
            r = log_count_ratio(x, pos, self.alpha)
            model = self._binary_model().fit(x @ sp.diags(r), pos.astype(np.int64))
            w = model.coef_.ravel()
            coefs.append(r * interpolate(w, self.beta))
            intercepts.append(self._interpolate_bias(model, w, pos))
        self.coef_ = np.vstack(coefs)  # r ∘ w' (r is not kept: one float per class and feature)
        self.intercept_ = np.asarray(intercepts)
        return self

    def _interpolate_bias(self, model, w: np.ndarray, pos: np.ndarray) -> float:
        """``(1 − β) w̄ log(N₊/N₋) + β b``: the bias pulled towards naive Bayes' (its log prior
        ratio) like the weights are; 0 without an intercept (the paper's code)."""
        if not self.fit_intercept:
            return 0.0
        nb_bias = np.log(pos.sum() / (~pos).sum())
        return float(
            (1.0 - self.beta) * np.abs(w).mean() * nb_bias + self.beta * model.intercept_[0]
        )

    def decision_function(self, x: sp.spmatrix) -> np.ndarray:
        """Score per class (a single column, for the second class, with two classes)."""
        scores = binarize(x) @ self.coef_.T + self.intercept_
        return scores.ravel() if len(self.classes_) == 2 else scores

    def predict(self, x: sp.spmatrix) -> np.ndarray:
        scores = self.decision_function(x)
        idx = (scores > 0).astype(np.int64) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[idx]

    def predict_proba(self, x: sp.spmatrix) -> np.ndarray:
        """Scores squashed to sum to 1 (logistic or softmax): ranked as the scores, uncalibrated."""
        scores = self.decision_function(x)
        if scores.ndim == 1:
            p = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1.0 - p, p])
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)


class NBSVM(BagOfNgramsClassifier):
    """NBSVM-bigram text classifier: binarized 1..``ngram``-grams, ``C`` (and optionally ``beta``)
    chosen on a validation split of train; ``alpha`` smooths the log-count ratio."""

    _param_ranges = {
        "C": (0, None, "neither"),
        "Cs": (0, None, "neither"),
        "beta": (0, 1, "both"),
        "betas": (0, 1, "both"),
        "alpha": (0, None, "neither"),  # 0: log(0) in the ratio of a feature one class lacks
        "loss": {"svm", "lr"},
        "max_iter": (1, None, "left"),
    }

    def __init__(
        self,
        *,
        seed: int = 0,
        C: float | None = None,
        Cs: tuple[float, ...] = (0.1, 1.0),
        beta: float | None = 0.25,
        betas: tuple[float, ...] = (0.25, 1.0),
        alpha: float = 1.0,
        loss: str = "svm",
        fit_intercept: bool = True,
        ngram: int = 2,
        min_df: int | None = 1,
        min_dfs: tuple[int, ...] = (1, 2),
        max_iter: int = 100,
        validation_fraction: float = 0.1,
    ):
        super().__init__(
            seed=seed,
            ngram=ngram,
            binary=True,
            min_df=min_df,
            min_dfs=min_dfs,
            validation_fraction=validation_fraction,
        )
        self.C = C
        self.Cs = tuple(Cs)
        self.beta = beta
        self.betas = tuple(betas)
        self.alpha = alpha
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter

    def _search_space(self) -> dict[str, tuple]:
        return {"C": candidates(self.C, self.Cs), "beta": candidates(self.beta, self.betas)}

    def _estimator(self, C: float, beta: float) -> NBSVMClassifier:
        return NBSVMClassifier(
            C=C,
            beta=beta,
            alpha=self.alpha,
            loss=self.loss,
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            random_state=self.seed,
        )

    def _fixed_params(self) -> dict:
        return {
            "alpha": self.alpha,
            "loss": self.loss,
            "fit_intercept": self.fit_intercept,
            "max_iter": self.max_iter,
            "one_vs_rest": self.n_classes_ > 2,
        }
