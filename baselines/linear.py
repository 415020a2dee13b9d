"""TF-IDF weighted unigrams + bigrams and logistic regression, via scikit-learn.

The standard strong linear baseline for text classification (e.g. Joachims 1998 for the TF-IDF
bag of words; Wang & Manning 2012 and Joulin et al. 2016 compare against it): counts of word 1-
and 2-grams, sublinear term frequency ``1 + log(tf)``, inverse document frequency from train,
rows scaled to unit length, then an L2-regularized logistic regression (one per class against
the rest when there are more than two classes). The inverse regularization strength ``C`` is
chosen on a validation split of train (``baselines.bow_classifier``).
"""

from __future__ import annotations

from baselines.bow_classifier import BagOfNgramsClassifier, candidates

#: Inverse regularization candidates. TF-IDF rows have unit length, so useful C is well above 1;
#: C = 1 never won on validation here and C = 1000 only costs time.
CS = (10.0, 100.0)


class TfidfLogisticRegression(BagOfNgramsClassifier):
    """TF-IDF (sublinear tf, smoothed idf, L2 rows) over 1..``ngram``-grams, logistic regression.

    ``max_iter`` caps liblinear's passes over the data: the default cap gives the test accuracy of
    a cap twenty times higher in a fraction of the time. The vocabulary cutoff is fixed at
    ``min_df=2`` rather than searched: searching ``(1, 2)`` barely moved the best validation
    accuracy and doubled the fit time. ``docs/classic-models.md`` has the experiments.
    """

    _param_ranges = {
        "C": (0, None, "neither"),
        "Cs": (0, None, "neither"),
        "max_iter": (1, None, "left"),
    }

    def __init__(
        self,
        *,
        seed: int = 0,
        C: float | None = None,
        Cs: tuple[float, ...] = CS,
        ngram: int = 2,
        min_df: int | None = 2,
        min_dfs: tuple[int, ...] = (1, 2),
        sublinear_tf: bool = True,
        max_iter: int = 50,
        validation_fraction: float = 0.1,
    ):
        super().__init__(
            seed=seed,
            ngram=ngram,
            binary=False,
            min_df=min_df,
            min_dfs=min_dfs,
            validation_fraction=validation_fraction,
        )
        self.C = C
        self.Cs = tuple(Cs)
        self.sublinear_tf = sublinear_tf
        self.max_iter = max_iter

    def _search_space(self) -> dict[str, tuple]:
        return {"C": candidates(self.C, self.Cs)}

    def _estimator(self, C: float):
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline

        # liblinear's dual solver suits many more features than documents but is binary only:
        # one model per class against the rest (a single model with two classes). lbfgs's
        # multinomial fit is far slower and larger on 20 Newsgroups' many bigram features.
        lr = LogisticRegression(
            C=C, solver="liblinear", dual=True, max_iter=self.max_iter, random_state=self.seed
        )
        return make_pipeline(
            TfidfTransformer(sublinear_tf=self.sublinear_tf), OneVsRestClassifier(lr)
        )

    def _fixed_params(self) -> dict:
        return {
            "sublinear_tf": self.sublinear_tf,
            "max_iter": self.max_iter,
            "solver": "liblinear (dual)",
            "one_vs_rest": self.n_classes_ > 2,
        }

    def n_parameters(self) -> int:
        """Coefficients and intercepts of the logistic regression(s) (idf weights not counted)."""
        models = self.estimator_[-1].estimators_
        return int(sum(m.coef_.size + m.intercept_.size for m in models))
