"""Stupid backoff: Brants, Popat, Xu, Och & Dean (2007), "Large language models in machine
translation".

S(w | h) = c(h w) / c(h .) if h w was seen, else alpha * S(w | h'), down to the unigram relative
frequency. Cheap and good for ranking at web scale, but the scores do not sum to 1: there is no
perplexity for this model and ``perplexity`` refuses it. A word never seen in training (``<unk>``)
scores alpha / |V| (one more back-off step, to the uniform distribution) so scores stay finite.
"""

from __future__ import annotations

import numpy as np

from baselines.ngram.base import Lookups, NgramLM
from baselines.ngram.interpolated import context_sums


class StupidBackoff(NgramLM):
    """Brants et al. (2007) scores with back-off factor ``alpha`` (0.4 in the paper)."""

    name = "stupid-backoff"
    normalised = False

    def __init__(self, *, order: int = 3, alpha: float = 0.4, min_count: int = 1, vocabulary=None):
        super().__init__(order=order, min_count=min_count, vocabulary=vocabulary)
        self.alpha = alpha

    def _estimate(self, counts):
        if not 0 < self.alpha <= 1:
            raise ValueError(f"stupid backoff needs 0 < alpha <= 1, got {self.alpha}")
        self.log_scores_ = []
        for n, table in enumerate(self.tables_, start=1):
            a = counts.raw(n).astype(np.float64)
            den = context_sums(table, a, counts.n_contexts(n))
            with np.errstate(divide="ignore"):
                score = np.log(a / np.maximum(den, 1)[table.context])
            if n == 1:
                score[a == 0] = np.log(self.alpha / (len(self.vocab_) - 1))
            self.log_scores_.append(score)

    def _scoring_arrays(self) -> list[np.ndarray]:
        return list(self.log_scores_)

    def _combine(self, look: Lookups) -> np.ndarray:
        out = self.log_scores_[0][look.words]
        depth = np.ones(len(out), dtype=np.int64)  # order of the longest seen n-gram
        for n in range(2, self.order + 1):
            where, hit = look.queried[n - 2], look.hits[n - 2]
            found = hit >= 0
            out[where[found]] = self.log_scores_[n - 1][hit[found]]
            depth[where[found]] = n
        return out + (look.longest - depth) * np.log(self.alpha)

    def params(self) -> dict:
        return {**super().params(), "alpha": self.alpha}
