"""Training a language model's softmax output layer in full or by sampling (TensorFlow backend).

With a vocabulary of tens of thousands of words the output layer dominates a word-level LM's cost
on a CPU: every training token pays ``|V| x d`` multiply-adds forwards and twice that backwards.
A *sampled softmax* (Jean et al. 2015, "On Using Very Large Target Vocabulary for Neural Machine
Translation"; Jozefowicz et al. 2016, "Exploring the Limits of Language Modeling") trains against
the true word and ``num_sampled`` words drawn once per batch from the training unigram distribution
raised to ``distortion`` (0.75, as word2vec's negative sampling), with the logits corrected by the
log of each word's expected count, so the gradient is an unbiased-in-the-limit estimate of the full
softmax's. Only training is approximated: validation (early stopping) and every reported
perplexity use the full softmax, so figures stay exact and comparable with the n-gram models.
"""

from __future__ import annotations

import keras
import numpy as np


class LMTrainer(keras.Model):
    """Wraps a language model for ``fit``: ``hidden`` maps ids to the vectors the output layer
    reads, ``output_weights()`` gives that layer as ``(weights (|V|, d), bias (|V|,))`` and ``full``
    is the whole model (ids -> logits). Batches are ``(inputs, targets, weights)``; the loss is the
    weighted mean negative log-likelihood per target token, sampled in training when
    ``num_sampled`` is set and always full in validation, where it is averaged over tokens, not
    batches (``exp(val_loss)`` is the validation perplexity).

    ``stateful_hidden`` (``[ids, *initial states] -> [vectors, *final states]``, the same layers as
    ``hidden``) makes training carry the recurrent state from one batch to the next: row ``i`` of a
    batch continues row ``i`` of the batch before, so each row starts from the state the previous
    one ended in (no gradient flows back across batches). :meth:`reset_states` zeroes it.
    """

    def __init__(
        self,
        full,
        hidden,
        output_weights,
        *,
        num_sampled: int | None = None,
        unigram_counts: np.ndarray | None = None,
        distortion: float = 0.75,
        stateful_hidden=None,
        batch_size: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.full, self.hidden, self.output_weights = full, hidden, output_weights
        self.stateful_hidden, self.carried = stateful_hidden, []
        if stateful_hidden is not None:
            if batch_size is None:
                raise ValueError("carrying the state across batches needs their (fixed) batch size")
            self.carried = [
                self.add_weight(
                    shape=(batch_size, int(t.shape[-1])),
                    initializer="zeros",
                    trainable=False,
                    name=f"carried_state_{i}",
                )
                for i, t in enumerate(stateful_hidden.outputs[1:])
            ]
        self.num_sampled = num_sampled
        if num_sampled is not None:
            if unigram_counts is None:
                raise ValueError("a sampled softmax needs the training unigram counts")
            # every class drawable (a zero count would make its log expected count -inf)
            self._unigrams = [
                float(c) for c in np.maximum(np.asarray(unigram_counts, dtype=np.float64), 1.0)
            ]
        self.distortion = distortion
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs, training=False):
        return self.full(inputs, training=training)

    def reset_states(self) -> None:
        """Zero the state carried across training batches."""
        for v in self.carried:
            v.assign(np.zeros(v.shape, dtype=v.dtype))

    def _hidden(self, x, training):
        """The output layer's input for ``x``; in training with carried states, from those states,
        which then become the final ones."""
        if not (training and self.carried):
            return self.hidden(x, training=training)
        import tensorflow as tf

        h, *final = self.stateful_hidden(
            [tf.convert_to_tensor(t) for t in (x, *self.carried)], training=True
        )
        for v, s in zip(self.carried, final):
            v.assign(tf.stop_gradient(s))
        return h

    def _sampled_nll(self, x, y, training):
        import tensorflow as tf

        h = self._hidden(x, training)
        weights, bias = self.output_weights()
        h = tf.reshape(h, (-1, tf.shape(h)[-1]))
        labels = tf.reshape(tf.cast(y, tf.int64), (-1, 1))
        sampled = tf.random.fixed_unigram_candidate_sampler(
            true_classes=labels,
            num_true=1,
            num_sampled=self.num_sampled,
            unique=True,
            range_max=len(self._unigrams),
            distortion=self.distortion,
            unigrams=self._unigrams,
        )
        return tf.nn.sampled_softmax_loss(
            weights=tf.cast(weights, h.dtype),
            biases=tf.cast(bias, h.dtype),
            labels=labels,
            inputs=h,
            num_sampled=self.num_sampled,
            num_classes=len(self._unigrams),
            sampled_values=sampled,
            remove_accidental_hits=True,
        )

    def _full_nll(self, x, y, training):
        if training:  # training batches are small and fixed-size: all their logits at once
            import tensorflow as tf

            return tf.reshape(
                _softmax_nll(_logits(self._hidden(x, True), *self.output_weights()), y), (-1,)
            )
        return exact_nll(self.hidden(x, training=False), y, self.output_weights)

    @staticmethod
    def _mean(nll, w):
        import tensorflow as tf

        w = tf.reshape(tf.cast(w, nll.dtype), (-1,))
        total = tf.reduce_sum(w)
        return tf.reduce_sum(nll * w) / tf.maximum(total, 1.0), total

    def train_step(self, data):
        import tensorflow as tf

        x, y, w = data
        with tf.GradientTape() as tape:
            nll = self._sampled_nll(x, y, True) if self.num_sampled else self._full_nll(x, y, True)
            loss, total = self._mean(nll, w)
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        self.loss_tracker.update_state(loss, sample_weight=total)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        x, y, w = data
        loss, total = self._mean(self._full_nll(x, y, False), w)
        self.loss_tracker.update_state(loss, sample_weight=total)
        return {"loss": self.loss_tracker.result()}


#: Logits held at once when scoring, whatever the sequence length: the longest documents of a large
#: corpus would otherwise need gigabytes of logits over the whole vocabulary at once
#: (docs/neural-notes.md).
SCORE_CHUNK_LOGITS = 2**26


def exact_nll(hidden, targets, output_weights):
    """Full-softmax negative log-likelihood of every target, flattened to ``(batch x steps,)``.

    ``hidden`` is ``(batch, steps, d)``; the output layer ``output_weights()`` is applied to
    blocks of positions one after another, so memory stays bounded for sequences of any length.
    """
    import tensorflow as tf

    weights, bias = output_weights()
    weights, bias = tf.cast(weights, tf.float32), tf.cast(bias, tf.float32)
    d = tf.shape(hidden)[-1]
    h = tf.reshape(tf.cast(hidden, tf.float32), (-1, d))
    y = tf.reshape(tf.cast(targets, tf.int32), (-1,))
    n = tf.shape(h)[0]
    most = max(1, SCORE_CHUNK_LOGITS // int(weights.shape[0]))
    blocks = tf.maximum((n + most - 1) // most, 1)
    rows = (n + blocks - 1) // blocks  # equal blocks, at most ``most`` rows each: little padding
    pad = blocks * rows - n
    h = tf.reshape(tf.pad(h, [[0, pad], [0, 0]]), (blocks, rows, d))
    y = tf.reshape(tf.pad(y, [[0, pad]]), (blocks, rows))

    def block(args):
        hb, yb = args
        return _softmax_nll(_logits(hb, weights, bias), yb)

    nll = tf.map_fn(block, (h, y), fn_output_signature=tf.float32, parallel_iterations=1)
    return tf.reshape(nll, (-1,))[:n]


def _logits(hidden, weights, bias):
    """The output layer: ``hidden @ weights^T + bias`` in ``hidden``'s dtype."""
    import tensorflow as tf

    return tf.matmul(hidden, tf.cast(weights, hidden.dtype), transpose_b=True) + tf.cast(
        bias, hidden.dtype
    )


def _softmax_nll(logits, targets):
    """``-log softmax(logits)[target]`` at every position, in float32."""
    import tensorflow as tf

    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(targets, tf.int32), logits=tf.cast(logits, tf.float32)
    )
