"""The numpy reference cells reproduce Keras's SimpleRNN and LSTM with the same weights."""

from __future__ import annotations

import numpy as np

from neural.reference_cells import lstm_forward, simple_rnn_forward


def _inputs(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(3, 7, 5)).astype("float32")


def _randomize(layer, seed: int) -> None:
    """Non-default weights (Keras's zero/one biases would hide a gate mix-up)."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    )


def test_simple_rnn_matches_keras():
    import keras

    x = _inputs()
    layer = keras.layers.SimpleRNN(4, return_sequences=True)
    layer.build(x.shape)
    _randomize(layer, 1)
    expected = np.asarray(layer(x))
    kernel, recurrent, bias = layer.get_weights()
    assert np.allclose(simple_rnn_forward(x, kernel, recurrent, bias), expected, atol=1e-5)


def test_lstm_matches_keras_states_and_sequence():
    import keras

    x = _inputs(2)
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    layer.build(x.shape)
    _randomize(layer, 3)
    seq, h_last, c_last = (np.asarray(t) for t in layer(x))
    kernel, recurrent, bias = layer.get_weights()
    out, c = lstm_forward(x, kernel, recurrent, bias)
    assert np.allclose(out, seq, atol=1e-5)
    assert np.allclose(out[:, -1], h_last, atol=1e-5) and np.allclose(c, c_last, atol=1e-5)


def test_lstm_gate_order_matters():
    """Swapping Keras's i, f, c, o blocks must change the output (the test above is not vacuous)."""
    import keras

    x = _inputs(4)
    layer = keras.layers.LSTM(4, return_sequences=True)
    layer.build(x.shape)
    _randomize(layer, 5)
    kernel, recurrent, bias = layer.get_weights()
    swap = np.r_[4:8, 0:4, 8:16]  # f, i, c, o
    out, _ = lstm_forward(x, kernel[:, swap], recurrent[:, swap], bias[swap])
    assert not np.allclose(out, np.asarray(layer(x)), atol=1e-3)
