"""Recurrent text classifiers: SimpleRNN, LSTM, GRU, bidirectional LSTM and CNN+LSTM.

- SimpleRNN: Elman (1990), ``h_t = tanh(W_x x_t + W_h h_{t-1} + b)``.
- LSTM: Hochreiter & Schmidhuber (1997), with the forget gate of Gers et al. (2000).
- GRU: Cho et al. (2014).
- Bidirectional: Schuster & Paliwal (1997).
- CNN+LSTM: convolution and max-pooling shorten the sequence before the LSTM (the Keras
  ``imdb_cnn_lstm`` example; cf. Zhou et al. 2015, "A C-LSTM Neural Network for Text
  Classification").

Every recurrent layer keeps Keras's default activations, no recurrent dropout and no unrolling, so
the same model runs on cuDNN kernels on a GPU; padding is right-side and masked, which cuDNN
accepts too.
"""

from __future__ import annotations

import keras
from keras import layers

from neural.arch_config import ArchConfig
from neural.classifier import KerasTextClassifier
from neural.layers import (
    DownsampleMask,
    MaskedAveragePooling1D,
    MaskedMaxPooling1D,
    MaxPoolingRight1D,
    ZeroPadding,
    classifier_head,
    embedding_dropout,
    token_input,
)

RECURRENT = {"simple-rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}


def build_recurrent(
    cfg: ArchConfig, cell: str = "lstm", bidirectional: bool = False
) -> keras.Model:
    """Embedding (padding masked) -> Dropout -> [bidirectional] RNN(units) -> Dropout -> Dense.

    ``cfg.pooling``: the classifier reads the ``last`` hidden state (the textbook model), or the
    ``max`` / ``mean`` of all hidden states over the real tokens (Conneau et al. 2017 found max
    pooling over BiLSTM states the best sentence encoder of those they compared).
    """
    inputs = token_input()
    x = layers.Embedding(cfg.vocab_size, cfg.embed_dim, mask_zero=True)(inputs)
    x = embedding_dropout(x, cfg)
    rnn = RECURRENT[cell](cfg.units, return_sequences=cfg.pooling != "last")
    x = layers.Bidirectional(rnn)(x) if bidirectional else rnn(x)
    if cfg.pooling != "last":
        x = (MaskedMaxPooling1D() if cfg.pooling == "max" else MaskedAveragePooling1D())(x)
    name = ("bi" if bidirectional else "") + cell
    return keras.Model(inputs, classifier_head(x, cfg), name=name.replace("-", "_"))


def build_cnn_lstm(cfg: ArchConfig) -> keras.Model:
    """Embedding -> Dropout -> Conv1D(filters, kernel_size, relu) -> max-pooling(pool_size) -> LSTM.

    Pooling divides the LSTM's sequence length by ``pool_size``; its mask is the token mask
    pooled the same way, so windows of padding only are skipped. Padding steps are zeroed before
    and after the convolution (its outputs are >= 0), so padding never changes a real window.
    """
    inputs = token_input()
    x = layers.Embedding(cfg.vocab_size, cfg.embed_dim)(inputs)
    x = ZeroPadding()(embedding_dropout(x, cfg), inputs)
    x = layers.Conv1D(cfg.filters, cfg.kernel_size, padding="same", activation="relu")(x)
    x = MaxPoolingRight1D(cfg.pool_size)(ZeroPadding()(x, inputs))  # relu >= 0: zeros never win
    x = layers.LSTM(cfg.units)(x, mask=DownsampleMask(cfg.pool_size)(inputs))
    return keras.Model(inputs, classifier_head(x, cfg), name="cnn_lstm")


class RecurrentClassifier(KerasTextClassifier):
    """A recurrent classifier; ``pooling`` picks what of the RNN's states feeds the classifier."""

    _param_ranges = {"pooling": {"last", "max", "mean"}}

    def __init__(self, *, pooling: str = "last", **kwargs):
        super().__init__(**kwargs)
        self.pooling = pooling


class SimpleRNNClassifier(RecurrentClassifier):
    """Elman SimpleRNN over word embeddings."""

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_recurrent(cfg, "simple-rnn")


class LSTMClassifier(RecurrentClassifier):
    """LSTM over word embeddings; its last hidden state feeds the classifier."""

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_recurrent(cfg, "lstm")


class GRUClassifier(RecurrentClassifier):
    """GRU over word embeddings."""

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_recurrent(cfg, "gru")


class BiLSTMClassifier(RecurrentClassifier):
    """Bidirectional LSTM: the last states of both directions, concatenated."""

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_recurrent(cfg, "lstm", bidirectional=True)


class CNNLSTMClassifier(KerasTextClassifier):
    """Convolution + max-pooling in front of an LSTM."""

    _param_ranges = {
        "filters": (1, None, "left"),
        "kernel_size": (1, None, "left"),
        "pool_size": (1, None, "left"),
    }

    def __init__(self, *, filters: int = 64, kernel_size: int = 5, pool_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size

    def build(self, cfg: ArchConfig) -> keras.Model:
        return build_cnn_lstm(cfg)
