"""Additive smoothing: add k to every count (Laplace: k = 1; Lidstone: any k > 0).

p(w | h) = (c(h w) + k) / (c(h .) + k |V|) at the full history (Lidstone 1920; Jeffreys 1948;
Chen & Goodman 1998, section 2.1), |V| counting ``<unk>`` and ``</s>`` but not ``<s>``. No
interpolation: an unseen history gets the uniform distribution. Not an ARPA back-off model.
"""

from __future__ import annotations

import numpy as np

from baselines.ngram.base import Lookups, NgramLM
from baselines.ngram.interpolated import context_sums


class AddK(NgramLM):
    """Add-k (Lidstone) smoothing of the order-``order`` relative frequencies; Laplace: ``k=1``."""

    name = "add-k"

    def __init__(self, *, order: int = 3, k: float = 1.0, min_count: int = 1, vocabulary=None):
        super().__init__(order=order, min_count=min_count, vocabulary=vocabulary)
        self.k = k

    def _estimate(self, counts):
        if not self.k > 0:
            raise ValueError(f"add-k needs k > 0, got {self.k}")
        self.context_totals_ = [
            context_sums(t, counts.raw(n), counts.n_contexts(n))
            for n, t in enumerate(self.tables_, start=1)
        ]

    def _scoring_arrays(self) -> list[np.ndarray]:
        return [*self.context_totals_, *(t.count for t in self.tables_)]

    def _combine(self, look: Lookups) -> np.ndarray:
        size = len(self.vocab_) - 1
        if self.order == 1:
            counts = self.tables_[0].count[look.words]
            return np.log((counts + self.k) / (self.context_totals_[0][0] + self.k * size))
        out = np.full(len(look.words), -np.log(size))  # an unseen full history: uniform
        for n in range(2, self.order + 1):
            # the full history: as long as the sentence allows, up to order - 1 words
            at = np.flatnonzero(look.longest[look.queried[n - 2]] == n)
            hit, context = look.hits[n - 2][at], look.contexts[n - 2][at]
            c = np.zeros(len(hit))
            c[hit >= 0] = self.tables_[n - 1].count[hit[hit >= 0]]
            total = self.context_totals_[n - 1][context]
            out[look.queried[n - 2][at]] = np.log((c + self.k) / (total + self.k * size))
        return out

    def params(self) -> dict:
        return {**super().params(), "k": self.k}
