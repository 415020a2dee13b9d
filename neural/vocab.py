"""Word vocabularies and integer sequences for the neural models (built from train only)."""

from __future__ import annotations

from collections import Counter

import numpy as np

PAD, UNK = "<pad>", "<unk>"


class Vocabulary:
    """The ``size - 2`` most frequent training tokens; index 0 is padding, 1 is ``<unk>``."""

    def __init__(self, docs: list[list[str]], size: int, min_count: int = 1):
        counts = Counter(tok for doc in docs for tok in doc)
        words = [w for w, c in counts.most_common(max(size - 2, 0)) if c >= min_count]
        self.itos = [PAD, UNK, *words]
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, doc: list[str]) -> list[int]:
        get = self.stoi.get
        return [get(tok, 1) for tok in doc]


def choose_max_len(docs: list[list[str]], *, quantile: float = 0.95, cap: int = 500, floor: int = 8) -> int:
    """Sequence length from the training length distribution: its ``quantile``, within [floor, cap]."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    q = int(np.quantile(lengths, quantile)) if len(lengths) else floor
    return int(min(max(q, floor), cap))


def pad(seqs: list[list[int]], max_len: int) -> np.ndarray:
    """Right-pad with 0 to ``max_len``; longer sequences keep their last ``max_len`` tokens
    (the end of a review usually holds its verdict)."""
    out = np.zeros((len(seqs), max_len), dtype=np.int32)
    for i, s in enumerate(seqs):
        s = s[-max_len:]
        out[i, : len(s)] = s
    return out
