"""LSTM text classifier (Hochreiter & Schmidhuber 1997): Embedding -> LSTM -> Dense."""

from __future__ import annotations

from neural.classifier import KerasTextClassifier


def build_lstm(vocab_size: int, max_len: int, n_outputs: int, *, embed_dim: int, units: int,
               dropout: float):
    """Embedding (padding masked) -> LSTM(units) -> Dropout -> Dense (sigmoid or softmax).

    The LSTM keeps Keras's default activations so the same model runs on cuDNN on a GPU.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(max_len,), dtype="int32")
    x = layers.Embedding(vocab_size, embed_dim, mask_zero=True)(inputs)
    x = layers.LSTM(units)(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(n_outputs, activation="sigmoid" if n_outputs == 1 else "softmax")(x)
    return keras.Model(inputs, outputs, name="lstm")


class LSTMClassifier(KerasTextClassifier):
    """Keras LSTM classifier over word embeddings."""

    def build(self, vocab_size: int, max_len: int, n_outputs: int):
        return build_lstm(vocab_size, max_len, n_outputs, embed_dim=self.embed_dim, units=self.units,
                          dropout=self.dropout)
