"""Interpolated n-gram models: p(w|h) = own(h w) + gamma(h) * p(w|h'), h' = h minus its first word.

Chen & Goodman (1998, "An empirical study of smoothing techniques for language modeling", section 2)
write every smoothing method studied here in this one recursive form; only ``own`` and ``gamma``
differ. The recursion ends in the uniform distribution over the vocabulary (``<unk>`` and ``</s>``
in, ``<s>`` out), as KenLM's ``lmplz`` does. Because ``own`` is zero for unseen n-grams and a
context never seen gets gamma = 1, the result is exactly a back-off model: ``own + gamma * lower``
is the ARPA probability of each seen n-gram and gamma its back-off weight, which is how ``arpa.py``
exports it and how ``_combine`` scores it.

A subclass supplies ``_weights(n, counts) -> (own, gamma)`` for order ``n``: ``own`` per n-gram,
``gamma`` per context (a row of order n-1, or the one empty context for unigrams), gamma = 1 where a
context has no extension.
"""

from __future__ import annotations

import numpy as np

from baselines.ngram.base import Lookups, NgramLM
from baselines.ngram.counts import NgramCounts, OrderTable
from baselines.ngram.vocab import BOS


def context_sums(table: OrderTable, values: np.ndarray, n_contexts: int) -> np.ndarray:
    """Sum of ``values`` over the extensions of each context of ``table``'s order."""
    return np.bincount(table.context, weights=values, minlength=n_contexts)


class InterpolatedLM(NgramLM):
    """The shared estimation and scoring of interpolated models; subclasses give ``_weights``."""

    exportable = True

    def _weights(self, n: int, counts: NgramCounts) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _estimate(self, counts: NgramCounts) -> None:
        lower = np.array([1.0 / (len(self.vocab_) - 1)])  # order 0: uniform, <s> excluded
        self.log_probs_, self.log_backoffs_ = [], []
        for n, table in enumerate(self.tables_, start=1):
            own, gamma = self._weights(n, counts)
            prob = own + gamma[table.context] * lower[table.suffix]
            with np.errstate(divide="ignore"):  # log(0): an MLE zero, or gamma 0
                if n == 1:
                    prob[BOS] = 0.0  # <s> is only ever a context
                    self.log_gamma0_ = float(np.log(gamma[0]))
                else:
                    self.log_backoffs_.append(np.log(gamma))
                self.log_probs_.append(np.log(prob))
            lower = prob

    def _scoring_arrays(self) -> list[np.ndarray]:
        return [*self.log_probs_, *self.log_backoffs_]

    def _combine(self, look: Lookups) -> np.ndarray:
        # ARPA back-off semantics: the longest seen n-gram's probability times the back-off weights
        # of the longer histories that were seen. Hits are nested (an n-gram's suffix is always in
        # its table), so a position found at order n was found at every lower order and got no
        # back-off weight yet; a miss gets the weight of its n-1 word history.
        out = self.log_probs_[0][look.words]
        for n in range(2, self.order + 1):
            where, context, hit = look.queried[n - 2], look.contexts[n - 2], look.hits[n - 2]
            found = hit >= 0
            out[where[found]] = self.log_probs_[n - 1][hit[found]]
            missed = ~found
            out[where[missed]] += self.log_backoffs_[n - 2][context[missed]]
        return out


class MaximumLikelihood(InterpolatedLM):
    """Relative frequencies c(h w) / c(h .) at the longest history seen in training.

    For reference only: an unseen n-gram after a seen history gets probability 0 (an infinite
    perplexity), and the model cannot be written as an ARPA file.
    """

    name = "mle"
    exportable = False

    def _weights(self, n, counts):
        table, a = self.tables_[n - 1], counts.raw(n)
        den = context_sums(table, a, counts.n_contexts(n))
        own = a / np.maximum(den, 1)[table.context]
        return own, np.where(den > 0, 0.0, 1.0)


class WittenBell(InterpolatedLM):
    """Interpolated Witten-Bell smoothing (Witten & Bell 1991; Chen & Goodman 1998, section 2.5).

    The lower order gets the weight N1+(h .) / (c(h .) + N1+(h .)): a history followed by many
    different words is likely to be followed by a new one.
    """

    name = "witten-bell"

    def _weights(self, n, counts):
        table, a = self.tables_[n - 1], counts.raw(n)
        den = context_sums(table, a, counts.n_contexts(n))
        types = context_sums(table, (a > 0).astype(np.float64), counts.n_contexts(n))
        total = np.maximum(den + types, 1)
        return a / total[table.context], np.where(den > 0, types / total, 1.0)
