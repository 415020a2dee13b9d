"""fastText: a linear classifier over the average of word and word n-gram embeddings.

Joulin, Grave, Bojanowski & Mikolov (2017, arXiv 2016), "Bag of Tricks for Efficient Text
Classification". The averaged vector feeds a single softmax/sigmoid layer: no hidden layer, no
word order beyond the n-grams (bigrams by default).

The paper hashes n-grams into a fixed number of buckets to bound memory on corpora of millions of
documents. Here the ``ngram_vocab_size`` most frequent training n-grams (seen at least
``ngram_min_count`` times) get their own embedding rows instead: on these corpora that costs the
same memory and avoids collisions, and Keras's Adam updates the whole embedding table at every step,
so a table of millions of hashed rows would make training many times slower on a CPU
(docs/neural-notes.md).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from neural.arch_config import ArchConfig
from neural.classifier import KerasTextClassifier
from neural.layers import MaskedAveragePooling1D, classifier_head, token_input


def ngram_keys(word_ids: np.ndarray, n: int, base: int) -> np.ndarray:
    """One int64 key per word n-gram of orders 2..n: the n-gram's ids as digits in ``base``.

    Word ids are >= 1, so keys of different orders never coincide (an order-k key is >= base^(k-1)).
    """
    ids = np.asarray(word_ids, dtype=np.int64)
    out = []
    for k in range(2, n + 1):
        if len(ids) < k:
            break
        key = ids[: len(ids) - k + 1].copy()
        for j in range(1, k):
            key = key * base + ids[j : len(ids) - k + 1 + j]
        out.append(key)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def build_fasttext(cfg: ArchConfig) -> keras.Model:
    """Embedding of words and n-grams (padding masked) -> masked mean -> [Dropout] -> Dense."""
    inputs = token_input()
    x = layers.Embedding(cfg.vocab_size + cfg.ngram_rows, cfg.embed_dim, mask_zero=True)(inputs)
    x = MaskedAveragePooling1D()(x)
    return keras.Model(inputs, classifier_head(x, cfg), name="fasttext")


class FastTextClassifier(KerasTextClassifier):
    """fastText with word n-grams up to ``ngrams`` (1: words only)."""

    _param_ranges = {
        "ngrams": (1, None, "left"),
        "ngram_vocab_size": (0, None, "left"),
        "ngram_min_count": (1, None, "left"),
    }

    _array_state = ("ngram_table_",)

    def __init__(
        self,
        *,
        ngrams: int = 2,
        ngram_vocab_size: int = 200_000,
        ngram_min_count: int = 2,
        **kwargs,
    ):
        kwargs.setdefault("dropout", 0.0)
        kwargs.setdefault("clipnorm", None)
        super().__init__(**kwargs)
        self.ngrams = ngrams
        self.ngram_vocab_size = ngram_vocab_size
        self.ngram_min_count = ngram_min_count

    def _fit_vocabulary(self, train_docs: list[list[str]]) -> None:
        """Words as usual; then the most frequent n-grams of the (vocabulary-mapped) training
        words."""
        super()._fit_vocabulary(train_docs)
        if self.ngrams < 2 or len(self.vocab_) ** self.ngrams >= 2**62:
            if self.ngrams >= 2:
                raise ValueError(
                    f"{self.ngrams}-grams over {len(self.vocab_):,} words overflow int64 keys"
                )
            self.ngram_table_ = np.zeros(0, dtype=np.int64)
            return
        keys = np.concatenate(
            [ngram_keys(self.vocab_.encode(d), self.ngrams, len(self.vocab_)) for d in train_docs]
            or [np.zeros(0, dtype=np.int64)]
        )
        uniq, counts = np.unique(keys, return_counts=True)
        keep = counts >= self.ngram_min_count
        uniq, counts = uniq[keep], counts[keep]
        top = np.argsort(-counts, kind="stable")[: self.ngram_vocab_size]
        self.ngram_table_ = np.sort(uniq[top])  # row of an n-gram: len(vocab) + its rank here

    def arch_config(self, vocab_size: int, max_len: int, n_outputs: int) -> ArchConfig:
        cfg = super().arch_config(vocab_size, max_len, n_outputs)
        return ArchConfig(**{**cfg.__dict__, "ngram_rows": len(self.ngram_table_)})

    def _encode(self, docs: list[list[str]]) -> list[np.ndarray]:
        """The last ``max_len_`` word ids, then the ids of their known n-grams (unknown ones
        dropped)."""
        words = super()._encode(docs)
        table = self.ngram_table_
        if not len(table):
            return words
        out = []
        for w in words:
            keys = ngram_keys(w, self.ngrams, len(self.vocab_))
            pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
            known = table[pos] == keys
            out.append(np.concatenate([w, (len(self.vocab_) + pos[known]).astype(np.int32)]))
        return out

    def params(self) -> dict:
        return {**super().params(), "ngrams_used": int(len(self.ngram_table_))}

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_fasttext(cfg)
