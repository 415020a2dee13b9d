"""Counting every n-gram of orders 1..N once, with sorting instead of dictionaries of tuples.

An n-gram is identified by an integer: its key is ``context_id << b | last_word`` (2^b >= V), where
``context_id`` is the row of its first n-1 words in the table of order n-1 (order 1: the word id).
So every order fits in an int64 however high N goes, each table sorted by key keeps a context's
extensions contiguous, and counting an order is one sort of one integer array (the
suffix-sorting idea of KenLM's ``lmplz``, Heafield et al. 2013, done with numpy). Only bigrams need
a full sort: order n+1 extends the n-grams in their sorted order, so its keys arrive sorted by
context and a merge of the existing runs finishes the job.

Besides raw counts, the tables hold what Kneser-Ney needs: each n-gram's suffix (its last n-1 words)
and its continuation count N1+(. g), the number of distinct words seen before it
(Kneser & Ney 1995; Chen & Goodman 1998, section 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from baselines.ngram.lookup import KeyIndex
from baselines.ngram.vocab import BOS, EOS, Stream


@dataclass
class OrderTable:
    """The distinct n-grams of one order, sorted by key (so by context, then last word).

    ``context``/``suffix`` are rows in the table of order n-1; for unigrams the context is the
    single empty context 0 and the table has one row per vocabulary word (``<s>`` counts 0: it is
    never predicted).
    """

    order: int
    keys: np.ndarray
    count: np.ndarray
    context: np.ndarray
    suffix: np.ndarray
    word: np.ndarray
    bos_initial: np.ndarray
    word_bits: int = 0  # key = context << word_bits | word
    continuation: np.ndarray | None = None  # N1+(. g); set for every order below the highest
    _index: KeyIndex | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.keys)

    def index(self) -> KeyIndex:
        """The hash table over this order's keys, built once for every model on these counts."""
        if self._index is None:
            self._index = KeyIndex(self.keys)
        return self._index

    def find(self, contexts: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Row of the n-gram (context row, word) for each pair; -1 where it was never seen."""
        if self.order == 1:
            return np.asarray(words, dtype=np.int64)
        return self.index().find((contexts << self.word_bits) | words)


def _sort_by_key(keys: np.ndarray, pos: np.ndarray, pos_bits: int, presorted: bool):
    """``keys`` sorted, and ``pos`` permuted alike.

    (key, position) pairs are packed into one uint64 when they fit, so one value sort does the work
    of an argsort. ``presorted``: the keys are already sorted in their high bits (the context row),
    as when extending n-grams met in sorted order; timsort ("stable") then costs a fraction of a
    quicksort because it merges the existing runs.
    """
    kind = "stable" if presorted else "quicksort"
    if len(keys) and int(keys.max()).bit_length() + pos_bits <= 64:
        packed = keys.view(np.uint64)  # keys is a temporary: pack in place
        packed <<= np.uint64(pos_bits)
        packed |= pos.view(np.uint64)
        packed.sort(kind=kind)
        pos = (packed & np.uint64((1 << pos_bits) - 1)).view(np.int64)
        packed >>= np.uint64(pos_bits)
        return packed.view(np.int64), pos
    perm = np.argsort(keys, kind="stable")
    return keys[perm], pos[perm]


class NgramCounts:
    """Raw counts, suffixes and continuation counts of orders 1..``order`` of a training stream."""

    def __init__(self, stream: Stream, order: int, vocab_size: int):
        if order < 1:
            raise ValueError(f"the order of an n-gram model is at least 1, got {order}")
        self.order, self.vocab_size = order, vocab_size
        self.n_sentences = stream.n_sentences
        ids, V = stream.ids, vocab_size
        unigram = np.bincount(ids, minlength=V).astype(np.int64)
        unigram[BOS] = 0
        words = np.arange(V, dtype=np.int64)
        self.tables = [
            OrderTable(
                1,
                words,
                unigram,
                np.zeros(V, dtype=np.int64),
                np.zeros(V, dtype=np.int64),
                words,
                words == BOS,
            )
        ]
        if order == 1:
            return
        # keys are (context row << bits) | last word: shifts, not divisions, take them apart
        bits = max(1, (V - 1).bit_length())
        pos_bits = max(1, (len(ids) - 1).bit_length())
        follow = np.append(ids, BOS)  # ids[p] for p < len(ids); <s> after the last </s> too
        rows = ids  # row of the (n-1)-gram starting at each position (-1 where none fits)
        group = (
            None  # row of the (n-1)-gram at each sorted position: set by each order for the next
        )
        for n in range(2, order + 1):
            if n == 2:  # a bigram starts everywhere but at </s>
                pairs = ids[:-1] << bits
                pairs |= ids[1:]
                starts_bigram = ids[:-1] != EOS
                keys, pos = _sort_by_key(
                    pairs[starts_bigram], np.flatnonzero(starts_bigram), pos_bits, False
                )
                del pairs
            else:
                # extend each (n-1)-gram, met in sorted order, by its next word unless that is the
                # <s> of the next sentence: the new keys are sorted by their context row already
                word = follow[pos + n - 1]
                more = word != BOS
                keys, pos = _sort_by_key(
                    (group[more] << bits) | word[more], pos[more], pos_bits, True
                )
            new = np.empty(len(keys), dtype=bool)
            new[:1] = True
            np.not_equal(keys[1:], keys[:-1], out=new[1:])
            starts = np.flatnonzero(new)
            group = np.cumsum(new) - 1  # row of the n-gram at each sorted position
            distinct, start = keys[starts], pos[starts]
            suffix = rows[start + 1]
            lower = self.tables[-1]
            lower.continuation = np.bincount(suffix, minlength=len(lower)).astype(np.int64)
            context = distinct >> bits
            count = np.diff(np.append(starts, len(keys)))
            self.tables.append(
                OrderTable(
                    n,
                    distinct,
                    count,
                    context,
                    suffix,
                    distinct & ((1 << bits) - 1),
                    lower.bos_initial[context],
                    bits,
                )
            )
            if n < order:
                rows = np.full(len(ids), -1, dtype=np.int64)
                rows[pos] = group

    def raw(self, n: int) -> np.ndarray:
        """Raw counts of the n-grams of order ``n`` (``<s>`` as a unigram: 0)."""
        return self.tables[n - 1].count

    def adjusted(self, n: int, top: int | None = None) -> np.ndarray:
        """Kneser-Ney counts as ``lmplz`` makes them for a model of order ``top``.

        The highest order keeps raw counts; lower orders use continuation counts, except n-grams
        that start with ``<s>``, which nothing can precede and so keep raw counts.
        """
        top = self.order if top is None else top
        table = self.tables[n - 1]
        if n == top:
            return table.count
        return np.where(table.bos_initial, table.count, table.continuation)

    def n_contexts(self, n: int) -> int:
        """How many contexts order ``n`` has: order n-1's rows (unigrams: one empty context)."""
        return 1 if n == 1 else len(self.tables[n - 2])
