"""Plain numpy forward passes of the SimpleRNN and LSTM cells: the equations the models use.

They take Keras's own weight layout, so the tests can check them against ``keras.layers.SimpleRNN``
and ``keras.layers.LSTM`` with the same weights. ``x`` is ``(batch, time, features)``.

SimpleRNN (Elman 1990)::

    h_t = tanh(x_t W_x + h_{t-1} W_h + b)

LSTM (Hochreiter & Schmidhuber 1997; forget gate: Gers, Schmidhuber & Cummins 2000)::

    i_t = sigmoid(x_t W_i + h_{t-1} U_i + b_i)        input gate
    f_t = sigmoid(x_t W_f + h_{t-1} U_f + b_f)        forget gate
    g_t = tanh(x_t W_c + h_{t-1} U_c + b_c)           candidate cell state
    o_t = sigmoid(x_t W_o + h_{t-1} U_o + b_o)        output gate
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

Keras stores the four gates side by side in the order i, f, c, o: ``kernel`` is
``(features, 4 units)``, ``recurrent_kernel`` ``(units, 4 units)``, ``bias`` ``(4 units,)``.
(Keras initialises the forget-gate bias to 1, following Jozefowicz et al. 2015.)
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow for large negative ``z``."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def simple_rnn_forward(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    h0: np.ndarray | None = None,
) -> np.ndarray:
    """Every hidden state ``h_1..h_T`` of a SimpleRNN: ``(batch, time, units)``."""
    batch, steps, _ = x.shape
    h = np.zeros((batch, kernel.shape[1])) if h0 is None else h0
    out = np.empty((batch, steps, kernel.shape[1]))
    for t in range(steps):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        out[:, t] = h
    return out


def lstm_forward(
    x: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every hidden state ``h_1..h_T`` of an LSTM ``(batch, time, units)`` and the last cell
    state."""
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units)) if h0 is None else h0
    c = np.zeros((batch, units)) if c0 is None else c0
    out = np.empty((batch, steps, units))
    for t in range(steps):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = (
            z[:, k * units : (k + 1) * units] for k in range(4)
        )  # Keras order: i, f, c, o
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        out[:, t] = h
    return out, c
