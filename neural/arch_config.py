"""The hyperparameters a build function reads, in one typed, frozen record."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ArchConfig:
    """Data-derived sizes (vocabulary, sequence length, outputs) plus architecture hyperparameters.

    Every build function takes one of these; fields an architecture does not use are ignored.
    """

    vocab_size: int
    max_len: int
    n_outputs: int  # 1: sigmoid (binary); >1: softmax
    embed_dim: int = 64
    units: int = 64
    dropout: float = 0.2
    word_dropout: float = (
        0.0  # share of token positions whose whole embedding is zeroed in training
    )
    # recurrent models: what feeds the classifier, "last" state or "max"/"mean" over all states
    pooling: str = "last"
    # cnn-lstm
    filters: int = 64
    kernel_size: int = 5
    pool_size: int = 4
    # lstm-attention: "additive" (Bahdanau) or "dot" (Luong, scaled)
    attention: str = "additive"
    attention_units: int = 64
    # transformer
    heads: int = 2
    ff_dim: int = 128
    blocks: int = 1
    positions: str = "learned"  # or "sinusoidal" (fixed, Vaswani et al. 2017)
    # fasttext: rows appended to the embedding table for word n-grams
    ngram_rows: int = 0

    def __post_init__(self) -> None:
        if self.pooling not in ("last", "max", "mean"):
            raise ValueError(f"pooling must be 'last', 'max' or 'mean', got {self.pooling!r}")
        if self.attention not in ("additive", "dot"):
            raise ValueError(f"attention must be 'additive' or 'dot', got {self.attention!r}")
        if min(self.vocab_size, self.max_len, self.n_outputs, self.embed_dim, self.units) < 1:
            raise ValueError(f"sizes must be positive: {self}")

    @classmethod
    def hyperparameter_names(cls) -> set[str]:
        """The fields a classifier may set from its own hyperparameters."""
        return {f.name for f in fields(cls)} - {"vocab_size", "max_len", "n_outputs"}
