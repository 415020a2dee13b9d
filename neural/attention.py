"""LSTM with attention pooling over its hidden states.

The LSTM's final state is the query ``q``; every hidden state ``k_t`` is scored against it, the
scores are softmax-normalised over the real (unmasked) steps, and the weighted sum of hidden
states (the context) joins ``q`` in front of the classifier. Scores:

- ``additive``: ``v^T tanh(W1 k_t + W2 q)`` (Bahdanau, Cho & Bengio 2015, "Neural Machine
  Translation by Jointly Learning to Align and Translate");
- ``dot``: ``k_t . q / sqrt(d)`` (Luong, Pham & Manning 2015, scaled as in Vaswani et al. 2017).
"""

from __future__ import annotations

import keras
from keras import layers, ops

from neural.arch_config import ArchConfig
from neural.classifier import KerasTextClassifier
from neural.layers import classifier_head, embedding_dropout, token_input


@keras.saving.register_keras_serializable(package="bench")
class AttentionPooling(layers.Layer):
    """Attention-weighted sum of a sequence, queried by a vector:
    ``(B, T, d), (B, d_q) -> (B, d)``."""

    def __init__(self, score: str = "additive", units: int = 64, **kwargs):
        super().__init__(**kwargs)
        if score not in ("additive", "dot"):
            raise ValueError(f"score must be 'additive' or 'dot', got {score!r}")
        self.score = score
        self.units = units

    def build(self, sequence_shape, query_shape):
        if self.score == "additive":
            self.w1 = self.add_weight(name="w1", shape=(sequence_shape[-1], self.units))
            self.w2 = self.add_weight(name="w2", shape=(query_shape[-1], self.units))
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
            self.v = self.add_weight(name="v", shape=(self.units,))
        elif sequence_shape[-1] != query_shape[-1]:
            raise ValueError("dot-product attention needs keys and query of the same size")

    def scores(self, sequence, query):
        """Unnormalised scores ``(B, T)``."""
        if self.score == "additive":
            keys = ops.matmul(sequence, self.w1)  # (B, T, u)
            q = ops.expand_dims(ops.matmul(query, self.w2) + self.bias, 1)  # (B, 1, u)
            return ops.tensordot(ops.tanh(keys + q), self.v, axes=1)
        scale = ops.cast(ops.shape(sequence)[-1], sequence.dtype) ** -0.5
        return ops.sum(sequence * ops.expand_dims(query, 1), axis=-1) * scale

    def call(self, sequence, query, sequence_mask=None):
        s = self.scores(sequence, query)
        if sequence_mask is not None:
            s = ops.where(sequence_mask, s, ops.full_like(s, -1e9))
        weights = ops.softmax(s, axis=-1)
        return ops.sum(sequence * ops.expand_dims(weights, -1), axis=1)

    def compute_output_shape(self, sequence_shape, query_shape):
        return (sequence_shape[0], sequence_shape[-1])

    def compute_mask(self, sequence, query, sequence_mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "score": self.score, "units": self.units}


def build_lstm_attention(cfg: ArchConfig) -> keras.Model:
    """Embedding (masked) -> Dropout -> LSTM(return_sequences) -> attention pooling queried by the
    last state -> [context; last state] -> Dropout -> Dense."""
    inputs = token_input()
    x = layers.Embedding(cfg.vocab_size, cfg.embed_dim, mask_zero=True)(inputs)
    x = embedding_dropout(x, cfg)
    seq, last, _ = layers.LSTM(cfg.units, return_sequences=True, return_state=True)(x)
    context = AttentionPooling(cfg.attention, cfg.attention_units)(seq, last)
    x = layers.Concatenate()([context, last])
    return keras.Model(inputs, classifier_head(x, cfg), name=f"lstm_attention_{cfg.attention}")


class LSTMAttentionClassifier(KerasTextClassifier):
    """LSTM + attention pooling; ``attention`` selects the ``additive`` or ``dot`` score."""

    _param_ranges = {"attention": {"additive", "dot"}, "attention_units": (1, None, "left")}

    def __init__(self, *, attention: str = "additive", attention_units: int = 64, **kwargs):
        super().__init__(**kwargs)
        self.attention = attention
        self.attention_units = attention_units

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_lstm_attention(cfg)
