"""Whether a Keras model's recurrent layers run on cuDNN's fused kernels, for the run file.

Keras (TensorFlow backend) runs an ``LSTM`` or ``GRU`` layer on cuDNN's fused kernel when a GPU is
visible and the layer's settings allow it: tanh activation, sigmoid recurrent activation, a bias,
no unrolling, no recurrent dropout, ``use_cudnn`` not False, and for a GRU ``reset_after``; its
masks must be right-padded with no fully masked row, which ``neural.vocab.pad`` gives for every
non-empty document. ``SimpleRNN`` has no fused kernel. On a machine without a GPU nothing runs
on cuDNN; the record then says which layers would.
"""

from __future__ import annotations


def _walk(layer):
    """``layer`` and every layer inside it: a model's layers, a ``Bidirectional``'s two."""
    yield layer
    inner = list(getattr(layer, "layers", None) or ())
    inner += [getattr(layer, a, None) for a in ("forward_layer", "backward_layer")]
    for sub in inner:
        if sub is not None:
            yield from _walk(sub)


def _why_not(layer, gru: bool) -> str | None:
    """Why ``layer``'s settings keep it off cuDNN, or None when they allow it."""
    from keras import activations

    cell = layer.cell
    reasons = []
    if cell.activation is not activations.tanh:
        reasons.append("activation is not tanh")
    if cell.recurrent_activation is not activations.sigmoid:
        reasons.append("recurrent activation is not sigmoid")
    if not cell.use_bias:
        reasons.append("no bias")
    if layer.unroll:
        reasons.append("unrolled")
    if getattr(cell, "recurrent_dropout", 0):
        reasons.append("recurrent dropout")
    if getattr(layer, "use_cudnn", "auto") is False:
        reasons.append("use_cudnn=False")
    if gru and not getattr(cell, "reset_after", True):
        reasons.append("reset_after=False")
    return ", ".join(reasons) or None


def recurrent_kernels(model, gpus: list[str]) -> dict | None:
    """``{"layers": [{"name", "kind", "cudnn", "why_not"}], "fused": bool}`` for the recurrent
    layers of ``model`` (None when it has none); ``cudnn`` is whether that layer runs on the fused
    kernel here (its settings allow it and ``gpus`` is not empty), ``fused`` whether all do."""
    from keras import layers as kl

    found = []
    for layer in _walk(model):
        if isinstance(layer, kl.LSTM | kl.GRU):
            why = _why_not(layer, isinstance(layer, kl.GRU))
            if why is None and not gpus:
                why = "no GPU (settings allow cuDNN)"
            found.append(
                {
                    "name": layer.name,
                    "kind": type(layer).__name__,
                    "cudnn": why is None,
                    "why_not": why,
                }
            )
        elif isinstance(layer, kl.SimpleRNN):
            found.append(
                {
                    "name": layer.name,
                    "kind": "SimpleRNN",
                    "cudnn": False,
                    "why_not": "no fused kernel",
                }
            )
    if not found:
        return None
    return {"layers": found, "fused": all(f["cudnn"] for f in found)}
