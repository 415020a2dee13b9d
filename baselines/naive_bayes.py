"""Naive Bayes text classifiers over bags of n-grams, via scikit-learn.

``nb`` is multinomial naive Bayes (McCallum & Nigam 1998) on unigrams and ``nb-bigram`` adds
bigrams. Counts are binarized by default (a word counts once per document), the variant Wang &
Manning (2012) call MNB and find stronger for sentiment. ``cnb`` is complement naive Bayes
(Rennie et al. 2003). The smoothing ``alpha`` (and the vocabulary cutoff, where searched) is
chosen on a validation split carved from train, never test; see ``baselines.bow_classifier``.
"""

from __future__ import annotations

import numpy as np

from baselines.bow_classifier import BagOfNgramsClassifier, candidates

#: Smoothing candidates: from nearly unsmoothed to heavily smoothed. The grid grew at both ends
#: when cross-validation chose its edge on some dataset (``docs/classic-models.md``).
ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 4.0, 8.0)


class NaiveBayes(BagOfNgramsClassifier):
    """Multinomial naive Bayes on binarized unigram counts (``ngram=2`` adds bigrams).

    ``alpha`` fixes the additive smoothing; left ``None`` it is chosen from ``alphas``. A
    smoothing of 0 would give unseen words probability 0 and documents NaN probabilities.
    """

    _param_ranges = {"alpha": (0, None, "neither"), "alphas": (0, None, "neither")}

    def __init__(
        self,
        *,
        seed: int = 0,
        alpha: float | None = None,
        alphas: tuple[float, ...] = ALPHAS,
        ngram: int = 1,
        min_df: int | None = 1,
        min_dfs: tuple[int, ...] = (1, 2),
        binary: bool = True,
        validation_fraction: float = 0.1,
        validation_folds: int = 5,
    ):
        # naive Bayes refits in a fraction of a second: 5-fold cross-validation instead of one
        # 10% split, whose accuracy differences between alphas are within its noise
        super().__init__(
            seed=seed,
            ngram=ngram,
            binary=binary,
            min_df=min_df,
            min_dfs=min_dfs,
            validation_fraction=validation_fraction,
            validation_folds=validation_folds,
        )
        self.alpha = alpha
        self.alphas = tuple(alphas)

    def _search_space(self) -> dict[str, tuple]:
        return {"alpha": candidates(self.alpha, self.alphas)}

    def _estimator(self, alpha: float):
        from sklearn.naive_bayes import MultinomialNB

        return MultinomialNB(alpha=alpha)

    def n_parameters(self) -> int:
        """Per-class log probabilities of every feature, plus the class log priors."""
        est = self.estimator_
        return int(np.size(est.feature_log_prob_) + np.size(est.class_log_prior_))


class BigramNaiveBayes(NaiveBayes):
    """Multinomial naive Bayes on binarized unigram + bigram counts (Wang & Manning's MNB)."""

    def __init__(self, *, ngram: int = 2, **kwargs):
        super().__init__(ngram=ngram, **kwargs)


class ComplementNaiveBayes(NaiveBayes):
    """Complement naive Bayes (Rennie et al. 2003) on TF-IDF weighted unigrams + bigrams.

    Each class is estimated from the counts of all the other classes, which gives every class
    about as much data where classes are unbalanced (SMS spam, R8). Rennie et al.'s transforms
    come first: ``log(1 + tf)``, inverse document frequency, unit-length rows. Their final weight
    normalization (``norm``) is off by default: it lost accuracy on every dataset here (as
    scikit-learn's documentation also reports).
    """

    def __init__(
        self,
        *,
        alphas: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0),
        ngram: int = 2,
        binary: bool = False,
        norm: bool = False,
        **kwargs,
    ):
        super().__init__(alphas=alphas, ngram=ngram, binary=binary, **kwargs)
        self.norm = norm

    def _estimator(self, alpha: float):
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.naive_bayes import ComplementNB
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfTransformer(sublinear_tf=True), ComplementNB(alpha=alpha, norm=self.norm)
        )

    def _fixed_params(self) -> dict:
        return {"norm": self.norm, "tfidf": "sublinear tf, smoothed idf, l2 rows"}

    def n_parameters(self) -> int:
        """Per-class feature weights plus the class log priors (idf weights not counted)."""
        est = self.estimator_[-1]
        return int(np.size(est.feature_log_prob_) + np.size(est.class_log_prior_))
