"""Small reusable Keras layers shared by the architectures (masked pooling, mask down-sampling)."""

from __future__ import annotations

import keras
from keras import layers, ops

from neural.arch_config import ArchConfig


@keras.saving.register_keras_serializable(package="bench")
class MaskedAveragePooling1D(layers.Layer):
    """Mean over the unmasked time steps; an all-padding row gives zeros (not 0/0)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def right_padded_max(x, pool_size: int):
    """Max over consecutive windows of ``pool_size`` steps, ``(B, T, C) -> (B, ceil(T/p), C)``; the
    last window is completed with zeros on the right (``padding="same"`` would centre the padding,
    so a document's windows would shift with the length its batch is padded to)."""
    steps, channels = ops.shape(x)[1], x.shape[-1]
    x = ops.pad(x, [[0, 0], [0, (-steps) % pool_size], [0, 0]])
    return ops.max(ops.reshape(x, (ops.shape(x)[0], -1, pool_size, channels)), axis=2)


@keras.saving.register_keras_serializable(package="bench")
class MaxPoolingRight1D(layers.Layer):
    """Non-overlapping max-pooling over time whose windows always start at step 0 (zeros complete
    the last one; meant for non-negative inputs such as ReLU outputs)."""

    def __init__(self, pool_size: int, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pool_size

    def call(self, x):
        return right_padded_max(x, self.pool_size)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else -(-input_shape[1] // self.pool_size)
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size}


@keras.saving.register_keras_serializable(package="bench")
class MaskedMaxPooling1D(layers.Layer):
    """Max over the unmasked time steps (padding never wins); an all-padding row gives zeros."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        m = ops.expand_dims(mask, -1)
        out = ops.max(ops.where(m, inputs, ops.full_like(inputs, -1e9)), axis=1)
        return ops.where(ops.any(m, axis=1), out, ops.zeros_like(out))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


@keras.saving.register_keras_serializable(package="bench")
class DownsampleMask(layers.Layer):
    """The padding mask of token ids after :class:`MaxPoolingRight1D`: a pooled step is real if any
    token in its window is (so a CNN's output can feed a masked RNN)."""

    def __init__(self, pool_size: int, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pool_size

    def call(self, token_ids):
        real = ops.cast(ops.not_equal(token_ids, 0), "float32")[:, :, None]
        return ops.greater(right_padded_max(real, self.pool_size)[:, :, 0], 0.0)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else -(-input_shape[1] // self.pool_size)
        return (input_shape[0], steps)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size}


@keras.saving.register_keras_serializable(package="bench")
class ZeroPadding(layers.Layer):
    """Zeroes the time steps of padding tokens, so a convolution sees the same zeros there as
    beyond the sequence end, and a document's output does not depend on how far its batch pads."""

    def call(self, x, token_ids):
        return x * ops.expand_dims(ops.cast(ops.not_equal(token_ids, 0), x.dtype), -1)

    def compute_output_shape(self, x_shape, token_ids_shape):
        return x_shape


def token_input() -> keras.KerasTensor:
    """Token ids of any length (batches are padded only to their own longest document)."""
    return keras.Input(shape=(None,), dtype="int32", name="tokens")


def embedding_dropout(x, cfg: ArchConfig):
    """Word dropout (whole tokens dropped, Iyyer et al. 2015; the embedding dropout of Gal &
    Ghahramani 2016 drops a word type's every occurrence instead) when ``cfg.word_dropout`` is set,
    then ordinary dropout of single features. Masks pass through."""
    if cfg.word_dropout:
        x = layers.Dropout(cfg.word_dropout, noise_shape=(None, None, 1), name="word_dropout")(x)
    return layers.Dropout(cfg.dropout)(x)


def classifier_head(x, cfg: ArchConfig):
    """Dropout, then one unit with a sigmoid (binary) or ``n_outputs`` with a softmax."""
    x = layers.Dropout(cfg.dropout)(x)
    activation = "sigmoid" if cfg.n_outputs == 1 else "softmax"
    return layers.Dense(cfg.n_outputs, activation=activation, dtype="float32", name="output")(x)
