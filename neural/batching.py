"""Length-bucketed batches as a ``tf.data`` pipeline.

Padding every document to the longest allowed length wastes most of an RNN's time on padding
(most documents are far shorter than the cap; docs/neural-notes.md). Instead documents of
similar length are batched together and each batch is padded only to its own longest member
("sortish" batching, as in fairseq and AllenNLP's bucket iterators): training shuffles
documents, sorts them by length within windows of ``window`` batches, and shuffles the order of
the resulting batches, so each epoch still sees a fresh random order. Padding (id 0) is masked
by the models.
"""

from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

from neural.vocab import pad


def plan_batches(
    lengths: np.ndarray,
    *,
    batch_size: int,
    rng: np.random.Generator | None = None,
    max_tokens: int | None = None,
    window: int = 50,
) -> list[np.ndarray]:
    """Index batches of similar-length sequences.

    With ``rng`` the plan is shuffled (training); without it, sequences are sorted by length
    (inference). ``max_tokens`` additionally bounds ``batch rows x longest row`` (language models,
    whose softmax output grows with it).
    """
    lengths = np.maximum(np.asarray(lengths, dtype=np.int64), 1)
    if rng is None:
        chunks = [np.argsort(lengths, kind="stable")]
    else:
        order = rng.permutation(len(lengths))
        step = batch_size * window
        chunks = [
            c[np.argsort(lengths[c], kind="stable")]
            for c in (order[i : i + step] for i in range(0, len(order), step))
        ]
    batches = [b for chunk in chunks for b in _cut(chunk, lengths, batch_size, max_tokens)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def _cut(
    sorted_idx: np.ndarray, lengths: np.ndarray, batch_size: int, max_tokens: int | None
) -> Iterator[np.ndarray]:
    start = 0
    while start < len(sorted_idx):
        end = min(start + batch_size, len(sorted_idx))
        # lengths ascend, so the last row is the longest: drop rows until rows x longest fits
        while (
            max_tokens
            and end - start > 1
            and (end - start) * lengths[sorted_idx[end - 1]] > max_tokens
        ):
            end -= 1
        yield sorted_idx[start:end]
        start = end


def to_dataset(make_batches: Callable[[], Iterator[tuple]], signature: tuple):
    """A prefetching ``tf.data.Dataset`` over the batches a fresh ``make_batches()`` yields each
    epoch."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_generator(make_batches, output_signature=signature)
    return ds.prefetch(tf.data.AUTOTUNE)


def classification_dataset(
    seqs: list[np.ndarray], labels: np.ndarray | None, *, batch_size: int, seed: int | None = None
):
    """Padded ``(x, y)`` batches (``x`` alone without labels); shuffled anew each epoch when
    ``seed`` is given, else in the length order of :func:`plan_batches` (see
    :func:`sorted_order`)."""
    import tensorflow as tf

    lengths = np.array([len(s) for s in seqs])
    rng = None if seed is None else np.random.default_rng(seed)

    def batches():
        for idx in plan_batches(lengths, batch_size=batch_size, rng=rng):
            x = pad([seqs[i] for i in idx])
            yield x if labels is None else (x, labels[idx])

    x_spec = tf.TensorSpec((None, None), tf.int32)
    signature = (
        x_spec if labels is None else (x_spec, tf.TensorSpec((None,), tf.as_dtype(labels.dtype)))
    )
    # without max_tokens the number of batches is the same every epoch: telling tf.data lets
    # Keras know the epoch length (and not warn that the data "ran out")
    n_batches = len(plan_batches(lengths, batch_size=batch_size, rng=np.random.default_rng(0)))
    return to_dataset(batches, signature).apply(tf.data.experimental.assert_cardinality(n_batches))


def sorted_order(seqs: list) -> np.ndarray:
    """The order in which an unshuffled dataset yields ``seqs`` (to undo it after predicting)."""
    lengths = np.maximum(np.array([len(s) for s in seqs], dtype=np.int64), 1)
    return np.argsort(lengths, kind="stable")


def predict_in_length_order(model, seqs: list[np.ndarray], batch_size: int) -> np.ndarray:
    """``model.predict`` over length-sorted padded batches, rows returned in the input order."""
    if not seqs:
        return np.zeros((0,) + tuple(model.output_shape[1:]), dtype=np.float32)
    out = np.asarray(
        model.predict(classification_dataset(seqs, None, batch_size=batch_size), verbose=0)
    )
    result = np.empty_like(out)
    result[sorted_order(seqs)] = out
    return result


def stream_window_count(seqs: list[np.ndarray], *, rows: int, seq_len: int) -> int:
    """How many batches :func:`stream_windows` makes of ``seqs``, without building them."""
    n_inputs = max(sum(len(s) for s in seqs) - 1, 0)
    return -(-n_inputs // (rows * seq_len))


def stream_windows(
    seqs: list[np.ndarray],
    *,
    rows: int,
    seq_len: int,
    eos_id: int,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(inputs, targets, weights)``, each ``(n_batches, rows, seq_len)``: the sentences
    (``<s> .. </s>`` id arrays, shuffled when ``rng`` is given) end to end as one stream, laid out
    in ``rows`` contiguous rows (Mikolov's and Zaremba et al.'s ``batchify``) and cut into windows.

    Every target that a sentence's score counts (its words and its ``</s>``) has weight 1 exactly
    once; the step from one sentence's ``</s>`` to the next ``<s>`` and the padding that fills the
    last window have weight 0.
    """
    order = rng.permutation(len(seqs)) if rng is not None else np.arange(len(seqs))
    ids = np.concatenate([seqs[i] for i in order]) if len(seqs) else np.zeros(1, np.int32)
    x, y = ids[:-1], ids[1:]
    w = (x != eos_id).astype(np.float32)  # an input </s> is followed by <s>, which is never scored
    size = rows * seq_len * stream_window_count(seqs, rows=rows, seq_len=seq_len)

    def lay_out(a):
        a = np.pad(a, (0, size - len(a)))
        return a.reshape(rows, -1, seq_len).transpose(1, 0, 2)

    return lay_out(x), lay_out(y), lay_out(w)
