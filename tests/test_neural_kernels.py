"""The run file says which recurrent layers run on cuDNN's fused kernels (neural.kernels)."""

from __future__ import annotations

import pytest


def _model(*recurrent):
    keras = pytest.importorskip("keras")
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(50, 8, mask_zero=True)(inputs)
    for i, layer in enumerate(recurrent):
        x = layer(x) if i == len(recurrent) - 1 else keras.layers.Bidirectional(layer)(x)
    return keras.Model(inputs, x)


def test_default_recurrent_layers_use_cudnn_only_with_a_gpu():
    from keras import layers

    from neural.kernels import recurrent_kernels

    model = _model(layers.LSTM(4, return_sequences=True), layers.GRU(4))
    here = recurrent_kernels(model, [])
    kinds = [(k["kind"], k["cudnn"]) for k in here["layers"]]
    assert kinds == [("LSTM", False), ("LSTM", False), ("GRU", False)]  # both ways, then the GRU
    assert all(k["why_not"] == "no GPU (settings allow cuDNN)" for k in here["layers"])
    on_gpu = recurrent_kernels(model, ["/physical_device:GPU:0"])
    assert on_gpu["fused"] and all(k["cudnn"] for k in on_gpu["layers"])


def test_settings_that_keep_a_layer_off_cudnn_are_named():
    from keras import layers

    from neural.kernels import recurrent_kernels

    gpu = ["/physical_device:GPU:0"]
    cases = [
        (layers.LSTM(4, recurrent_dropout=0.2), "recurrent dropout"),
        (layers.LSTM(4, activation="relu"), "activation is not tanh"),
        (layers.GRU(4, reset_after=False), "reset_after=False"),
        (layers.LSTM(4, use_cudnn=False), "use_cudnn=False"),
        (layers.SimpleRNN(4), "no fused kernel"),
    ]
    for layer, why in cases:
        kernels = recurrent_kernels(_model(layer), gpu)
        assert not kernels["fused"] and kernels["layers"][0]["why_not"] == why, kernels
    dense = pytest.importorskip("keras").Sequential([layers.Input((3,)), layers.Dense(2)])
    assert recurrent_kernels(dense, gpu) is None
