"""Discounting methods: absolute discounting, Kneser-Ney and modified Kneser-Ney (all interpolated).

Each subtracts a discount D(c) from every seen n-gram's count and gives the mass it frees to the
lower order: own = (a - D(a)) / sum a(h .), gamma(h) = sum D(a(h .)) / sum a(h .). They differ in
which counts ``a`` they use and how many discounts they estimate:

- absolute discounting (Ney, Essen & Kneser 1994): raw counts, one D = n1 / (n1 + 2 n2) per order;
- Kneser-Ney (Kneser & Ney 1995): the same discount, but lower orders count the distinct words
  that precede an n-gram (continuation counts) instead of its occurrences;
- modified Kneser-Ney (Chen & Goodman 1998, eq. 26): three discounts per order, D1, D2, D3+, from
  the counts of counts n1..n4 of the (adjusted) counts.

Adjusted counts follow KenLM's ``lmplz`` (Heafield et al. 2013): n-grams starting with ``<s>`` keep
raw counts, and ``<s>`` itself counts 0. When counts of counts make a closed-form discount undefined
or out of range (tiny or artificial data) we substitute lmplz's ``--discount_fallback`` values
(0.5, 1, 1.5) and record the orders where that happened in ``discount_fallback_``.
"""

from __future__ import annotations

import numpy as np

from baselines.ngram.counts import NgramCounts
from baselines.ngram.interpolated import InterpolatedLM, context_sums

FALLBACK = (0.5, 1.0, 1.5)  # lmplz --discount_fallback defaults for D1, D2, D3+


def counts_of_counts(a: np.ndarray) -> np.ndarray:
    """n[k] = how many n-grams have count k, for k = 0..4."""
    return np.bincount(np.minimum(a, 5), minlength=6)[:5]


def modified_discounts(n: np.ndarray) -> tuple[float, float, float] | None:
    """Chen & Goodman's D1, D2, D3+ from counts of counts; None when undefined or out of range."""
    if np.any(n[1:5] == 0):
        return None
    y = n[1] / (n[1] + 2.0 * n[2])
    d = tuple(k - (k + 1) * y * n[k + 1] / n[k] for k in (1, 2, 3))
    return d if all(0.0 <= dk <= k for k, dk in zip((1, 2, 3), d)) else None


def single_discount(n: np.ndarray) -> float | None:
    """Ney et al.'s D = n1 / (n1 + 2 n2); None without singletons."""
    return n[1] / (n[1] + 2.0 * n[2]) if n[1] > 0 else None


class DiscountedLM(InterpolatedLM):
    """Interpolated discounting; subclasses choose the counts and the discounts of each order."""

    fallback = (FALLBACK[0],) * 3  # one discount for every count; modified KN uses all three

    def _counts(self, n: int, counts: NgramCounts) -> np.ndarray:
        return counts.adjusted(n, self.order)

    def _discounts(self, n_of_counts: np.ndarray) -> tuple[float, float, float] | None:
        raise NotImplementedError

    def _estimate(self, counts: NgramCounts) -> None:
        self.discounts_, self.discount_fallback_ = [], []
        # the counts of each order, made once for both the discounts and the weights
        self._used = [self._counts(n, counts) for n in range(1, self.order + 1)]
        for n in range(1, self.order + 1):
            d = self._discounts(counts_of_counts(self._used[n - 1]))
            if d is None:
                d = self.fallback
                self.discount_fallback_.append(n)
            self.discounts_.append(tuple(float(x) for x in d))
        super()._estimate(counts)
        del self._used

    def _weights(self, n, counts):
        table, a = self.tables_[n - 1], self._used[n - 1]
        d = np.array((0.0,) + self.discounts_[n - 1])[np.minimum(a, 3)]
        den = context_sums(table, a, counts.n_contexts(n))
        freed = context_sums(table, d, counts.n_contexts(n))
        own = (a - d) / np.maximum(den, 1)[table.context]  # every D(a) <= a, so never negative
        return own, np.where(den > 0, freed / np.maximum(den, 1), 1.0)

    def params(self) -> dict:
        out = super().params()
        if hasattr(self, "discounts_"):
            out["discounts"] = [list(d) for d in self.discounts_]
            out["discount_fallback_orders"] = list(self.discount_fallback_)
        return out


class AbsoluteDiscounting(DiscountedLM):
    """Interpolated absolute discounting on raw counts (Ney, Essen & Kneser 1994)."""

    name = "absolute"

    def _counts(self, n, counts):
        return counts.raw(n)

    def _discounts(self, n_of_counts):
        d = single_discount(n_of_counts)
        return None if d is None else (d, d, d)


class KneserNey(DiscountedLM):
    """Interpolated Kneser-Ney: one discount per order, continuation counts below the top order."""

    name = "kn"

    def _discounts(self, n_of_counts):
        d = single_discount(n_of_counts)
        return None if d is None else (d, d, d)


class ModifiedKneserNey(DiscountedLM):
    """Interpolated modified Kneser-Ney (Chen & Goodman 1998), estimated as KenLM's ``lmplz``."""

    name = "mkn"
    fallback = FALLBACK

    def _discounts(self, n_of_counts):
        return modified_discounts(n_of_counts)
