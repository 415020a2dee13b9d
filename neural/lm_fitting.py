"""Training of the recurrent language models (:class:`neural.language_models.RecurrentLM`):
the shuffled stream of training windows, the validation batches, the training split and ``fit``
itself, as a mixin of the model class."""

from __future__ import annotations

import keras
import numpy as np

from neural.batching import stream_window_count, stream_windows
from neural.vocab import EOS


class LMFitting:
    """``fit`` and what it needs, for :class:`neural.language_models.RecurrentLM`."""

    def _stream(self, seqs: list[np.ndarray], rng: np.random.Generator):
        """Training windows (:func:`stream_windows`), the sentences shuffled anew each epoch."""
        import tensorflow as tf

        from neural.batching import to_dataset

        eos, shape = self.vocab_.stoi[EOS], (self.batch_size, self.seq_len)

        def batches():
            yield from zip(
                *stream_windows(seqs, rows=shape[0], seq_len=shape[1], eos_id=eos, rng=rng)
            )

        n_batches = stream_window_count(seqs, rows=shape[0], seq_len=shape[1])
        spec = (
            tf.TensorSpec(shape, tf.int32),
            tf.TensorSpec(shape, tf.int32),
            tf.TensorSpec(shape, tf.float32),
        )
        return to_dataset(batches, spec).apply(tf.data.experimental.assert_cardinality(n_batches))

    def _sentences(self, seqs: list[np.ndarray]):
        """``(inputs, targets, weights)`` batches of whole sentences, each read from a fresh
        state."""
        import tensorflow as tf

        from neural.batching import plan_batches, to_dataset
        from neural.vocab import pad

        lengths = np.array([len(s) - 1 for s in seqs])
        plan = plan_batches(lengths, batch_size=4 * self.batch_size, max_tokens=self.batch_tokens)

        def batches():
            for idx in plan:
                x, y = pad([seqs[i][:-1] for i in idx]), pad([seqs[i][1:] for i in idx])
                yield x, y, (y != 0).astype(np.float32)

        spec = tf.TensorSpec((None, None), tf.int32)
        signature = (spec, spec, tf.TensorSpec((None, None), tf.float32))
        return to_dataset(batches, signature).apply(
            tf.data.experimental.assert_cardinality(len(plan))
        )

    def fit(self, sentences: list[list[str]]) -> "LMFitting":
        """Build the vocabulary from all ``sentences``, then train on all but a random validation
        share of them, early-stopped on its loss (mean negative log-likelihood per token)."""
        from neural.lm_training import LMTrainer
        from neural.numerics import pin_numerics
        from neural.training import train

        self.numerics_ = pin_numerics(self.threads, self.onednn_isa)
        keras.utils.set_random_seed(self.seed)
        self.vocab_ = self._build_vocabulary(sentences)
        rng = np.random.default_rng(self.seed)
        train_idx, val_idx = self.split(len(sentences), rng)
        seqs = [self._ids(s) for s in sentences]
        train_seqs = [seqs[i] for i in train_idx]
        val_seqs = [seqs[i] for i in val_idx] or train_seqs
        self._new_model()
        trainer = LMTrainer(
            self.model_,
            self.hidden_,
            self.output_weights_,
            num_sampled=self.sampled_softmax,
            unigram_counts=self._target_counts(train_seqs) if self.sampled_softmax else None,
            stateful_hidden=self.stateful_hidden_,
            batch_size=self.batch_size,
        )
        callbacks = []
        if self.carry_state:  # each epoch's stream is shuffled anew: start it from zero states
            callbacks.append(
                keras.callbacks.LambdaCallback(on_epoch_begin=lambda *_: trainer.reset_states())
            )
        stream, val_batches = self._stream(train_seqs, rng), self._sentences(val_seqs)
        jit = False if self.sampled_softmax else "auto"  # the candidate sampler has no XLA kernel
        outcome = train(
            trainer,
            stream,
            val_batches,
            self._training_settings(),
            callbacks=callbacks,
            n_train=sum(len(s) - 1 for s in train_seqs),
            compile_args={"jit_compile": jit},
        )
        self.history_, self.best_epoch_ = outcome.history, outcome.best_epoch
        self.seconds_per_epoch_, self.train_tokens_per_s_ = (
            outcome.seconds_per_epoch,
            outcome.items_per_s,
        )
        return self

    def _training_settings(self):
        """The shared loop's settings (``neural.training.train``): ``decay_epochs`` caps the epochs
        and its cosine ends with the last of them; without it ``lr_decay`` acts on plateaus."""
        from neural.training import TrainingSettings

        epochs = min(self.epochs, self.decay_epochs) if self.decay_epochs else self.epochs
        return TrainingSettings(
            epochs=epochs,
            patience=self.patience,
            learning_rate=self.learning_rate,
            clipnorm=self.clipnorm,
            ema_momentum=self.ema_momentum,
            cosine=bool(self.decay_epochs),
            plateau_factor=self.lr_decay,
            unit="tokens",
            verbose=self.verbose,
        )

    def split(
        self, n_sentences: int, rng: np.random.Generator | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the training and validation sentences among the ``n_sentences`` given to
        :meth:`fit` (``validation_fraction`` of them, drawn with the model's seed), as fit uses
        them."""
        order = (rng or np.random.default_rng(self.seed)).permutation(n_sentences)
        n_val = max(1, int(round(self.validation_fraction * n_sentences))) if n_sentences > 1 else 0
        return order[n_val:], order[:n_val]

    def _target_counts(self, seqs: list[np.ndarray]) -> np.ndarray:
        """How often each vocabulary entry is a training target (the sampler's distribution)."""
        targets = np.concatenate([s[1:] for s in seqs]) if seqs else np.zeros(0, dtype=np.int32)
        return np.bincount(targets, minlength=len(self.vocab_))
