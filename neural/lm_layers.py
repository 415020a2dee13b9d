"""Layers of the recurrent language models (``neural.language_models``): a word embedding tied to
the softmax, and an RNN cell whose state restarts at every ``<s>`` of a token stream."""

from __future__ import annotations

import keras

# no public name, but keras.layers.RNN checks for it
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell

CELLS = {
    "simple-rnn": keras.layers.SimpleRNNCell,
    "lstm": keras.layers.LSTMCell,
    "gru": keras.layers.GRUCell,
}


@keras.saving.register_keras_serializable(package="bench")
class TiedEmbedding(keras.layers.Layer):
    """A word embedding that is also the output layer's weights (Press & Wolf 2017): ``layer(ids)``
    looks the ids up; ``layer(h, logits=True)`` gives ``h @ E^T + b``, one logit per word."""

    def __init__(self, vocab_size: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.dim = vocab_size, dim

    def build(self, input_shape):
        init = keras.initializers.RandomUniform(-0.05, 0.05)  # as keras.layers.Embedding
        self.embeddings = self.add_weight(
            shape=(self.vocab_size, self.dim), initializer=init, name="embeddings"
        )
        self.bias = self.add_weight(shape=(self.vocab_size,), initializer="zeros", name="bias")

    def call(self, inputs, logits: bool = False):
        from keras import ops

        if logits:
            return (
                ops.matmul(inputs, ops.transpose(ops.cast(self.embeddings, inputs.dtype)))
                + self.bias
            )
        return ops.take(self.embeddings, ops.cast(inputs, "int32"), axis=0)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "dim": self.dim}


@keras.saving.register_keras_serializable(package="bench")
class SentenceStarts(keras.layers.Layer):
    """``(batch, steps)`` ids -> ``(batch, steps, 1)``: 1.0 where the id is ``<s>``, else 0.0."""

    def __init__(self, bos_id: int, **kwargs):
        super().__init__(**kwargs)
        self.bos_id = bos_id

    def call(self, inputs):
        from keras import ops

        return ops.expand_dims(ops.cast(ops.equal(inputs, self.bos_id), self.compute_dtype), -1)

    def get_config(self):
        return {**super().get_config(), "bos_id": self.bos_id}


@keras.saving.register_keras_serializable(package="bench")
class ResetAtStart(keras.layers.Layer, DropoutRNNCell):
    """An RNN cell whose state is zeroed at each sentence start: its input's last feature is the
    :class:`SentenceStarts` flag. In a stream of sentences every sentence is then read from the
    fresh state it is scored from, exactly as if it were alone.

    ``keras.layers.RNN`` draws a cell's dropout masks once per batch (the same mask at every step:
    Gal & Ghahramani 2016) only for cells it recognises as dropout cells, so the wrapper passes
    those calls to the wrapped cell (its ``recurrent_dropout`` then works as in a plain LSTM)."""

    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        self.cell = (
            cell
            if isinstance(cell, keras.layers.Layer)
            else keras.saving.deserialize_keras_object(cell)
        )
        self.state_size, self.output_size = self.cell.state_size, self.cell.output_size

    def build(self, input_shape):
        if not self.cell.built:  # a loaded cell is built from its saved config already
            self.cell.build((*input_shape[:-1], input_shape[-1] - 1))

    def call(self, inputs, states, training=False):
        keep = 1.0 - inputs[:, -1:]
        states = keras.tree.map_structure(lambda s: s * keep, states)
        return self.cell(inputs[:, :-1], states, training=training)

    def get_dropout_mask(self, step_input):
        return self.cell.get_dropout_mask(step_input[..., :-1])

    def get_recurrent_dropout_mask(self, state):
        return self.cell.get_recurrent_dropout_mask(state)

    def reset_dropout_mask(self):
        self.cell.reset_dropout_mask()

    def reset_recurrent_dropout_mask(self):
        self.cell.reset_recurrent_dropout_mask()

    def get_config(self):
        return {**super().get_config(), "cell": keras.saving.serialize_keras_object(self.cell)}
