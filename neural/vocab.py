"""Word vocabularies and integer sequences for the neural models (built from train only)."""

from __future__ import annotations

from collections import Counter

import numpy as np

PAD, UNK = "<pad>", "<unk>"
BOS, EOS = "<s>", "</s>"  # sentence boundaries of the language models


class Vocabulary:
    """Special tokens first (index 0 is padding, 1 is ``<unk>``), then the most frequent training
    tokens seen at least ``min_count`` times, ``size`` entries in all (``None``: no limit)."""

    def __init__(
        self,
        docs: list[list[str]],
        size: int | None,
        min_count: int = 1,
        specials: tuple[str, ...] = (PAD, UNK),
    ):
        counts = Counter(tok for doc in docs for tok in doc)
        for s in specials:
            counts.pop(s, None)
        limit = None if size is None else max(size - len(specials), 0)
        words = [w for w, c in counts.most_common(limit) if c >= min_count]
        self._set(list(specials) + words)

    def _set(self, itos: list[str]) -> None:
        self.itos = itos
        self.stoi = {w: i for i, w in enumerate(itos)}
        self.unk_id = self.stoi[UNK]

    @classmethod
    def from_tokens(cls, itos: list[str]) -> "Vocabulary":
        """A vocabulary with exactly these entries, in this order (as saved by ``itos``)."""
        vocab = cls.__new__(cls)
        vocab._set(list(itos))
        return vocab

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, doc: list[str]) -> list[int]:
        get, unk = self.stoi.get, self.unk_id
        return [get(tok, unk) for tok in doc]


def choose_max_len(
    docs: list[list[str]], *, quantile: float = 0.95, cap: int = 500, floor: int = 8
) -> int:
    """Sequence length from the training length distribution: its ``quantile``, within [floor,
    cap]."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    q = int(np.quantile(lengths, quantile)) if len(lengths) else floor
    return int(min(max(q, floor), cap))


def truncate(ids: list[int], max_len: int, head: float = 0.0) -> np.ndarray:
    """At most ``max_len`` ids as int32: a longer document keeps its first ``head`` share of
    ``max_len`` and fills the rest from its end. ``head=0`` keeps only the end (where a review's
    verdict usually is); Sun et al. (2019, "How to Fine-Tune BERT for Text Classification?") found
    head+tail best for long documents, and the start is where a news post's subject line is."""
    if len(ids) <= max_len:
        return np.asarray(ids, dtype=np.int32)
    n_head = int(round(head * max_len))
    return np.asarray(ids[:n_head] + ids[len(ids) - (max_len - n_head) :], dtype=np.int32)


def pad(seqs: list, max_len: int | None = None) -> np.ndarray:
    """Right-pad with 0 to ``max_len`` (default: the longest sequence, at least 1); longer
    sequences keep their last ``max_len`` tokens."""
    if max_len is None:
        max_len = max([len(s) for s in seqs] + [1])
    out = np.zeros((len(seqs), max_len), dtype=np.int32)
    for i, s in enumerate(seqs):
        s = s[-max_len:] if len(s) > max_len else s
        out[i, : len(s)] = s
    return out
