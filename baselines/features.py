"""Bag-of-n-gram count matrices over pre-tokenized documents, counted once and sliced cheaply.

Documents reach the classic models already tokenized by the run's tokenizer (the tokens the
neural models see), so counting only maps tokens to integer ids and n-grams to integer codes.
``NgramCounter`` does that with numpy, several times faster than scikit-learn's
``CountVectorizer``, which builds every n-gram string and looks it up in a Python dict (the
timings are in ``docs/classic-models.md``). The matrices are the same up to column order (the
tests check this). Selecting a vocabulary cutoff on a validation split needs no
second counting pass: the columns a counter fitted on the training part with ``min_df=k`` would
keep are the columns of the full-train matrix with at least ``k`` documents in that part
(``min_df_columns``).
"""

from __future__ import annotations

from itertools import repeat

import numpy as np
import scipy.sparse as sp


class NgramCounter:
    """Counts the word 1..``ngram``-grams of token lists into a sparse documents × n-grams matrix.

    Columns are the unigrams in order of first appearance, then the bigrams, trigrams, ... of the
    training documents. An n-gram is coded as ``id(its first n-1 tokens) * n_unigrams + id(last
    token)`` in int64 and looked up in a sorted array of the codes seen in training; n-grams
    never span two documents. With ``binary`` a feature counts once per document (presence).
    """

    def __init__(self, ngram: int = 1, *, binary: bool = True):
        if ngram < 1:
            raise ValueError(f"ngram must be at least 1, got {ngram}")
        self.ngram = ngram
        self.binary = binary

    def fit_transform(self, docs: list[list[str]]) -> sp.csr_matrix:
        """Learn the vocabulary of ``docs`` and return their count matrix."""
        flat, lengths = _flatten(docs)
        self.unigrams_ = {tok: i for i, tok in enumerate(dict.fromkeys(flat))}
        if not self.unigrams_:
            raise ValueError(
                "the training documents hold no tokens; check the dataset and tokenizer"
            )
        self.codes_: list[np.ndarray] = []
        ids = np.fromiter(map(self.unigrams_.__getitem__, flat), np.int64, len(flat))
        return self._matrix(ids, lengths, fit=True)

    def transform(self, docs: list[list[str]]) -> sp.csr_matrix:
        """Count matrix of ``docs`` over the training vocabulary (unseen n-grams are dropped)."""
        flat, lengths = _flatten(docs)
        ids = np.fromiter(map(self.unigrams_.get, flat, repeat(-1)), np.int64, len(flat))
        return self._matrix(ids, lengths, fit=False)

    @property
    def n_features(self) -> int:
        return len(self.unigrams_) + sum(len(c) for c in self.codes_)

    def feature_names(self) -> list[str]:
        """The n-gram of each column, tokens joined by a space."""
        uni = list(self.unigrams_)
        names, prev = list(uni), uni
        for codes in self.codes_:
            prev = [f"{prev[c // len(uni)]} {uni[c % len(uni)]}" for c in codes.tolist()]
            names.extend(prev)
        return names

    def _matrix(self, ids: np.ndarray, lengths: np.ndarray, *, fit: bool) -> sp.csr_matrix:
        n_uni = len(self.unigrams_)
        doc = np.repeat(np.arange(len(lengths)), lengths)
        rows, cols = [doc[ids >= 0]], [ids[ids >= 0]]
        prev, offset = ids, n_uni
        same_doc = doc[1:] == doc[:-1]
        for k in range(2, self.ngram + 1):
            # the k-gram ending at token i: the (k-1)-gram ending at i-1, then token i
            ok = same_doc & (prev[:-1] >= 0) & (ids[1:] >= 0)
            code = prev[:-1] * n_uni + ids[1:]
            prev = np.full(len(ids), -1, dtype=np.int64)
            if fit:
                table, prev[1:][ok] = _unique_inverse(code[ok])
                self.codes_.append(table)
            else:
                table = self.codes_[k - 2]
                pos = np.minimum(np.searchsorted(table, code), max(len(table) - 1, 0))
                found = ok & (table[pos] == code) if len(table) else np.zeros_like(ok)
                prev[1:][found] = pos[found]
            rows.append(doc[prev >= 0])
            cols.append(prev[prev >= 0] + offset)
            offset += len(table)
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(lengths), offset))
        x.sum_duplicates()
        if self.binary:
            x.data[:] = 1.0
        return x


def _flatten(docs: list[list[str]]) -> tuple[list[str], np.ndarray]:
    lengths = np.fromiter(map(len, docs), np.int64, len(docs))
    return [tok for doc in docs for tok in doc], lengths


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and each value's index among them (``np.unique`` without its
    hash-table path, which is several times slower on millions of int64 codes)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def document_frequency(x: sp.spmatrix) -> np.ndarray:
    """How many rows (documents) of ``x`` have each column (feature) non-zero."""
    x = sp.csr_matrix(x)
    x.sum_duplicates()  # one stored entry per (row, column); the counter stores no zeros
    return np.bincount(x.indices, minlength=x.shape[1])


def min_df_columns(x: sp.spmatrix, min_df: int) -> np.ndarray:
    """Indices of the columns of ``x`` that occur in at least ``min_df`` (>= 1) of its rows."""
    return np.flatnonzero(document_frequency(x) >= max(int(min_df), 1))
