"""Multinomial naive Bayes on a bag of words (McCallum & Nigam 1998), via scikit-learn.

Counts are binarized by default (a word counts once per document), the variant Wang & Manning
(2012) call MNB and find stronger for sentiment. The smoothing ``alpha`` is chosen on a validation split carved from train (never test), then the
model is refitted on all of train with it; the chosen value is recorded in ``params()``.
"""

from __future__ import annotations

import numpy as np

from baselines.validation import choose_on_validation


def identity_analyzer(doc: list[str]) -> list[str]:
    """Documents arrive already tokenized by the run's tokenizer; the vectorizer keeps the tokens."""
    return doc


def with_ngrams(doc: list[str], n: int) -> list[str]:
    """Tokens plus their word n-grams up to ``n`` (joined by a space)."""
    out = list(doc)
    for k in range(2, n + 1):
        out.extend(" ".join(doc[i:i + k]) for i in range(len(doc) - k + 1))
    return out


class NaiveBayes:
    """Multinomial naive Bayes on unigram counts (``ngram=2`` adds bigrams)."""

    def __init__(self, *, seed: int = 0, alpha: float | None = None,
                 alphas: tuple[float, ...] = (0.03, 0.1, 0.3, 0.5, 1.0), ngram: int = 1,
                 min_df: int = 1, binary: bool = True, validation_fraction: float = 0.1):
        self.seed = seed
        self.binary = binary
        self.alpha = alpha
        self.alphas = tuple(alphas)
        self.ngram = ngram
        self.min_df = min_df
        self.validation_fraction = validation_fraction

    def _vectorizer(self):
        from sklearn.feature_extraction.text import CountVectorizer

        if self.ngram == 1:
            return CountVectorizer(analyzer=identity_analyzer, min_df=self.min_df, binary=self.binary)
        return CountVectorizer(analyzer=lambda d: with_ngrams(d, self.ngram), min_df=self.min_df,
                               binary=self.binary)

    def fit(self, docs: list[list[str]], labels: np.ndarray, n_classes: int) -> "NaiveBayes":
        self.n_classes_ = n_classes
        from sklearn.naive_bayes import MultinomialNB

        if self.alpha is None:
            def scores(tr_docs, tr_y, va_docs, va_y):
                vec = self._vectorizer()
                x_tr, x_va = vec.fit_transform(tr_docs), vec.transform(va_docs)
                return {a: float((MultinomialNB(alpha=a).fit(x_tr, tr_y).predict(x_va) == va_y).mean())
                        for a in self.alphas}

            self.alpha_, self.validation_scores_ = choose_on_validation(
                docs, labels, scores, fraction=self.validation_fraction, seed=self.seed)
        else:
            self.alpha_, self.validation_scores_ = self.alpha, {}
        self.vectorizer_ = self._vectorizer()
        self.clf_ = MultinomialNB(alpha=self.alpha_).fit(self.vectorizer_.fit_transform(docs), labels)
        return self

    def predict_proba(self, docs: list[list[str]]) -> np.ndarray:
        proba = self.clf_.predict_proba(self.vectorizer_.transform(docs))
        out = np.zeros((len(docs), self.n_classes_))
        out[:, self.clf_.classes_] = proba  # a class absent from train keeps probability 0
        return out

    def params(self) -> dict:
        return {"alpha": self.alpha_, "alphas_tried": list(self.alphas), "ngram": self.ngram,
                "min_df": self.min_df, "binary": self.binary, "validation_fraction": self.validation_fraction,
                "validation_accuracy": {str(k): v for k, v in self.validation_scores_.items()},
                "vocabulary_size": len(self.vectorizer_.vocabulary_)}

    def n_parameters(self) -> int:
        return int(self.clf_.feature_log_prob_.size + self.clf_.class_log_prior_.size)
