"""Words <-> integer ids, and sentences -> one padded id stream ``<s> w1 .. wk </s> <s> ..``.

Ids follow KenLM's ``lmplz``: ``<unk>`` = 0, ``<s>`` = 1, ``</s>`` = 2, then words in order of first
appearance. Mapping millions of tokens goes through C-level dict look-ups (``map`` over a dict's
``__getitem__``), never a Python loop per token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

import numpy as np

from core.scoring import LMInputError

UNK, BOS, EOS = 0, 1, 2
SPECIALS = ("<unk>", "<s>", "</s>")


class _Index(dict):
    """word -> id; a word not in the vocabulary is ``<unk>`` (called only on a miss)."""

    def __missing__(self, word: str) -> int:
        return UNK


@dataclass(frozen=True)
class Stream:
    """Sentences as one id array, each ``<s> w1 .. wk </s>``; ``starts``: the ``<s>`` positions."""

    ids: np.ndarray
    starts: np.ndarray

    @property
    def n_sentences(self) -> int:
        """How many sentences the stream holds."""
        return len(self.starts)

    def targets(self) -> np.ndarray:
        """Positions scored: every word and ``</s>``, never ``<s>`` (KenLM's convention)."""
        keep = np.ones(len(self.ids), dtype=bool)
        keep[self.starts] = False
        return np.flatnonzero(keep)

    def position_in_sentence(self) -> np.ndarray:
        """0 at each ``<s>``, 1 at the word after it, and so on."""
        lengths = np.diff(np.append(self.starts, len(self.ids)))
        return np.arange(len(self.ids)) - np.repeat(self.starts, lengths)


def pad(flat_ids: np.ndarray, lengths: np.ndarray) -> Stream:
    """Insert ``<s>`` before and ``</s>`` after every sentence of the concatenated ``flat_ids``."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths + 2) - 1
    starts = ends - lengths - 1
    ids = np.empty(int(lengths.sum()) + 2 * len(lengths), dtype=np.int64)
    words = np.ones(len(ids), dtype=bool)
    words[starts] = words[ends] = False
    ids[starts], ids[ends] = BOS, EOS
    ids[words] = flat_ids
    return Stream(ids, starts)


class Vocabulary:
    """The words a model knows; anything else is ``<unk>``.

    ``words[i]`` is the word with id ``i``; the first three are ``<unk> <s> </s>``.
    """

    def __init__(self, words: list[str], index: dict[str, int] | None = None):
        if tuple(words[:3]) != SPECIALS:
            raise ValueError(f"a vocabulary starts with {SPECIALS}")
        self.words = list(words)
        # ``index``: the word -> id dict the caller already has (copied at C speed, not rebuilt)
        self.index = _Index(index if index is not None else zip(self.words, range(len(self.words))))

    def __len__(self) -> int:
        return len(self.words)

    @classmethod
    def build(cls, sentences: list[list[str]], *, min_count: int = 1) -> "Vocabulary":
        """Every word of ``sentences`` seen at least ``min_count`` times."""
        return build_and_encode(sentences, min_count=min_count)[0]

    def encode(self, sentences: list[list[str]]) -> Stream:
        """The padded id stream of ``sentences``; unknown words become ``<unk>``."""
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        ids = np.fromiter(
            map(self.index.__getitem__, chain.from_iterable(sentences)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        _refuse_boundaries(ids, "")
        return pad(ids, lengths)

    def decode(self, ids) -> list[str]:
        """The words of ``ids``."""
        return [self.words[i] for i in ids]


def _refuse_boundaries(ids: np.ndarray, where: str) -> None:
    # A literal <s> or </s> inside a sentence would silently break the padding convention.
    if np.any((ids == BOS) | (ids == EOS)):
        raise LMInputError(
            f"the text{where} holds '<s>' or '</s>' inside a sentence; the model adds "
            "sentence boundaries itself, so remove them from the text"
        )


def build_and_encode(
    sentences: list[list[str]], *, min_count: int = 1
) -> tuple[Vocabulary, Stream]:
    """The training vocabulary (first-appearance order, like ``lmplz``) and the training stream.

    Words seen fewer than ``min_count`` times become ``<unk>`` (so ``<unk>`` gets real counts).
    One pass: a ``defaultdict`` whose factory is its own length gives each new word the next id.
    """
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    grow: defaultdict[str, int] = defaultdict()
    grow.update((w, i) for i, w in enumerate(SPECIALS))
    grow.default_factory = grow.__len__
    ids = np.fromiter(
        map(grow.__getitem__, chain.from_iterable(sentences)),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    _refuse_boundaries(ids, " to train on")
    words, index = list(grow), grow
    if min_count > 1:
        freq = np.bincount(ids, minlength=len(words))
        keep = freq >= min_count
        keep[: len(SPECIALS)] = True
        remap = np.where(keep, np.cumsum(keep) - 1, UNK)
        ids = remap[ids]
        words, index = [w for w, k in zip(words, keep) if k], None
    return Vocabulary(words, index), pad(ids, lengths)
