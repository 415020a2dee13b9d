"""A small Transformer encoder classifier (Vaswani et al. 2017, "Attention Is All You Need").

Token + position embeddings (learned, or the paper's sinusoids), ``blocks`` encoder blocks
(multi-head self-attention and a position-wise feed-forward network, each wrapped in dropout, a
residual connection and layer normalisation, post-norm as in the paper), masked mean (or max)
pooling over the real tokens, classifier.
The keras.io "Text classification with Transformer" example is this model with one block.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from neural.arch_config import ArchConfig
from neural.classifier import KerasTextClassifier
from neural.layers import (
    MaskedAveragePooling1D,
    MaskedMaxPooling1D,
    classifier_head,
    embedding_dropout,
    token_input,
)

POSITIONS = ("learned", "sinusoidal")


def check_positions(positions: str) -> None:
    """Reject a ``positions`` that is not one of :data:`POSITIONS`."""
    if positions not in POSITIONS:
        raise ValueError(
            f"positions must be one of {POSITIONS} for the transformer, got {positions!r}"
        )


@keras.saving.register_keras_serializable(package="bench")
class TokenAndPositionEmbedding(layers.Layer):
    """Sum of a token embedding and an embedding of the position (0 .. max_len-1): learned
    (``positions="learned"``, as in BERT and the keras.io example) or the fixed sinusoids of
    Vaswani et al. (``"sinusoidal"``: ``sin(p / 10000^(2i/d))`` in the even dimensions, ``cos`` in
    the odd ones), which have no weights to fit.

    Produces the padding mask (token id 0) for the layers after it.
    """

    def __init__(
        self, vocab_size: int, max_len: int, embed_dim: int, positions: str = "learned", **kwargs
    ):
        super().__init__(**kwargs)
        check_positions(positions)
        self.vocab_size, self.max_len, self.embed_dim = vocab_size, max_len, embed_dim
        self.tokens = layers.Embedding(vocab_size, embed_dim, name="tokens")
        self.positions = (
            layers.Embedding(max_len, embed_dim, name="positions")
            if positions == "learned"
            else None
        )

    def build(self, input_shape):
        self.tokens.build(input_shape)
        if self.positions is not None:
            self.positions.build((None,))

    def call(self, token_ids):
        steps = ops.arange(ops.shape(token_ids)[-1])
        where = (
            self.positions(steps)
            if self.positions is not None
            else sinusoids(steps, self.embed_dim)
        )
        return self.tokens(token_ids) + ops.expand_dims(where, 0)

    def compute_mask(self, token_ids, mask=None):
        return ops.not_equal(token_ids, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.embed_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "max_len": self.max_len,
            "embed_dim": self.embed_dim,
            "positions": "sinusoidal" if self.positions is None else "learned",
        }


def sinusoids(steps, dim: int):
    """``(len(steps), dim)`` fixed position encodings of Vaswani et al. 2017 (section 3.5)."""
    pairs = ops.cast(ops.arange(dim) // 2 * 2, "float32") / dim  # 2i/d for dimensions 2i and 2i+1
    angles = ops.expand_dims(ops.cast(steps, "float32"), 1) / ops.power(10000.0, pairs)
    return ops.where(ops.arange(dim) % 2 == 0, ops.sin(angles), ops.cos(angles))


@keras.saving.register_keras_serializable(package="bench")
class TransformerBlock(layers.Layer):
    """``x = LN(x + Dropout(MHA(x, x)))``, then ``x = LN(x + Dropout(FFN(x)))``; padding is
    excluded from the attended keys."""

    def __init__(self, embed_dim: int, heads: int, ff_dim: int, dropout: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.heads, self.ff_dim, self.rate = embed_dim, heads, ff_dim, dropout
        self.supports_masking = True
        self.attention = layers.MultiHeadAttention(
            heads, key_dim=max(embed_dim // heads, 1), dropout=dropout, name="attention"
        )
        self.ffn_in = layers.Dense(ff_dim, activation="relu", name="ffn_in")
        self.ffn_out = layers.Dense(embed_dim, name="ffn_out")
        self.norm1 = layers.LayerNormalization(epsilon=1e-6, name="norm1")
        self.norm2 = layers.LayerNormalization(epsilon=1e-6, name="norm2")
        self.drop1 = layers.Dropout(dropout)
        self.drop2 = layers.Dropout(dropout)

    def build(self, input_shape):
        self.attention.build(input_shape, input_shape)
        self.ffn_in.build(input_shape)
        self.ffn_out.build((*input_shape[:-1], self.ff_dim))
        self.norm1.build(input_shape)
        self.norm2.build(input_shape)

    def call(self, x, mask=None, training=None):
        attention_mask = None if mask is None else ops.expand_dims(mask, 1)  # (B, 1, T): keys
        a = self.attention(x, x, attention_mask=attention_mask, training=training)
        x = self.norm1(x + self.drop1(a, training=training))
        f = self.ffn_out(self.ffn_in(x))
        return self.norm2(x + self.drop2(f, training=training))

    def compute_mask(self, x, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "embed_dim": self.embed_dim,
            "heads": self.heads,
            "ff_dim": self.ff_dim,
            "dropout": self.rate,
        }


def build_transformer(cfg: ArchConfig) -> keras.Model:
    """Token+position embedding -> Dropout -> ``blocks`` x TransformerBlock -> masked mean
    (``pooling`` "mean") or max ("max") -> Dense."""
    inputs = token_input()
    x = TokenAndPositionEmbedding(cfg.vocab_size, cfg.max_len, cfg.embed_dim, cfg.positions)(inputs)
    x = embedding_dropout(x, cfg)
    for _ in range(cfg.blocks):
        x = TransformerBlock(cfg.embed_dim, cfg.heads, cfg.ff_dim, cfg.dropout)(x)
    x = (MaskedMaxPooling1D() if cfg.pooling == "max" else MaskedAveragePooling1D())(x)
    return keras.Model(inputs, classifier_head(x, cfg), name="transformer")


class TransformerClassifier(KerasTextClassifier):
    """Transformer encoder over word tokens; ``heads``, ``ff_dim`` and ``blocks`` size it,
    ``pooling`` ("mean" or "max") reads its outputs, ``positions`` ("learned" or "sinusoidal") says
    where a token is."""

    _param_ranges = {
        "heads": (1, None, "left"),
        "ff_dim": (1, None, "left"),
        "blocks": (1, None, "left"),
        "pooling": {"mean", "max"},
        "positions": {"learned", "sinusoidal"},
    }

    def __init__(
        self,
        *,
        heads: int = 2,
        ff_dim: int = 128,
        blocks: int = 1,
        pooling: str = "mean",
        positions: str = "learned",
        **kwargs,
    ):
        if pooling not in ("mean", "max"):
            raise ValueError(
                f"pooling must be 'mean' or 'max' for the transformer, got {pooling!r}"
            )
        check_positions(positions)
        super().__init__(**kwargs)
        self.pooling = pooling
        self.positions = positions
        self.heads = heads
        self.ff_dim = ff_dim
        self.blocks = blocks

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_transformer(cfg)
