"""Scoring with the recurrent language models (:class:`neural.language_models.RecurrentLM`):
per-token log-probabilities, the vectors the output layer reads, and perplexity, each sentence
read alone from a fresh state, as a mixin of the model class."""

from __future__ import annotations

import numpy as np

from neural.training import Progress


class LMScoring:
    """``token_scores``, ``log_prob``, ``perplexity`` and the kNN-LM's context vectors, for
    :class:`neural.language_models.RecurrentLM`."""

    def token_scores(self, sentences: list[list[str]]):
        """Natural-log probability of every word and ``</s>``, in order, with OOV flags and each
        sentence's first token (a ``core.scoring.TokenScores``)."""
        import tensorflow as tf

        from core.scoring import TokenScores

        seqs = [self._ids(s) for s in sentences]
        lengths, starts, targets = self._flat_targets(seqs)
        log_probs = np.zeros(int(lengths.sum()))
        score = self._scorer()
        progress = Progress("scoring", len(log_probs), "tokens", verbose=self.verbose)
        for idx, x, y in self._scoring_batches(seqs, lengths):
            lp = score(tf.constant(x), tf.constant(y)).numpy().astype(np.float64)
            for row, i in enumerate(idx):
                log_probs[starts[i] : starts[i] + lengths[i]] = lp[row, : lengths[i]]
            progress.update(int(lengths[idx].sum()))
        return TokenScores(log_probs, targets == self.vocab_.unk_id, starts)

    def context_vectors(
        self, sentences: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The vector the output layer reads before each scored token, that token's id and each
        sentence's first token, in :meth:`token_scores`'s order: ``(float32 (tokens, embed_dim),
        int32 (tokens,), int64 (sentences,))``. Each sentence is read alone from a fresh state, as
        in scoring (the keys of a kNN-LM)."""
        import tensorflow as tf

        seqs = [self._ids(s) for s in sentences]
        lengths, starts, targets = self._flat_targets(seqs)
        vectors = np.zeros(
            (int(lengths.sum()), int(self.hidden_.output.shape[-1])), dtype=np.float32
        )
        hidden = self._hidden_fn()
        progress = Progress("context vectors", len(vectors), "tokens", verbose=self.verbose)
        for idx, x, _ in self._scoring_batches(seqs, lengths):
            h = hidden(tf.constant(x)).numpy().astype(np.float32, copy=False)
            for row, i in enumerate(idx):
                vectors[starts[i] : starts[i] + lengths[i]] = h[row, : lengths[i]]
            progress.update(int(lengths[idx].sum()))
        return vectors, targets, starts

    def _hidden_fn(self):
        """A graph function ``inputs -> the vectors the output layer reads`` (one trace for every
        batch shape; run eagerly, the recurrence would step through Python)."""
        import tensorflow as tf

        if getattr(self, "_hidden_graph", None) is None:
            self._hidden_graph = tf.function(
                lambda x: self.hidden_(x, training=False),
                input_signature=[tf.TensorSpec((None, None), tf.int32)],
            )
        return self._hidden_graph

    def log_probs_of(
        self, vectors: np.ndarray, targets: np.ndarray, block: int = 65_536
    ) -> np.ndarray:
        """ln p of each target from the vector the output layer reads before it (the full softmax,
        as :meth:`token_scores` computes it from the same vectors)."""
        import tensorflow as tf

        from neural.lm_training import exact_nll

        if getattr(self, "_vector_score_fn", None) is None:
            weights = self.output_weights_

            @tf.function(
                input_signature=[
                    tf.TensorSpec((None, None), tf.float32),
                    tf.TensorSpec((None,), tf.int32),
                ]
            )
            def score(h, y):
                return -exact_nll(h[None], y[None], weights)

            self._vector_score_fn = score
        out = np.zeros(len(targets))
        for start in range(0, len(targets), block):
            out[start : start + block] = self._vector_score_fn(
                tf.constant(vectors[start : start + block]),
                tf.constant(targets[start : start + block].astype(np.int32)),
            )
        return out

    @staticmethod
    def _flat_targets(seqs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scored tokens per sentence, where each sentence's first one is in the flat order, and
        every scored token's id in that order."""
        lengths = np.array([len(s) - 1 for s in seqs], dtype=np.int64)
        targets = np.concatenate([s[1:] for s in seqs]) if seqs else np.zeros(0, dtype=np.int32)
        return (
            lengths,
            np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64),
            targets.astype(np.int32),
        )

    def _scoring_batches(self, seqs: list[np.ndarray], lengths: np.ndarray):
        """``(sentence indices, inputs, targets)``: padded batches of whole sentences, similar
        lengths together, at most ``batch_tokens`` positions each."""
        from neural.batching import plan_batches
        from neural.vocab import pad

        for idx in plan_batches(
            lengths, batch_size=4 * self.batch_size, max_tokens=self.batch_tokens
        ):
            yield idx, pad([seqs[i][:-1] for i in idx]), pad([seqs[i][1:] for i in idx])

    def log_prob(self, sentences: list[list[str]]) -> np.ndarray:
        """Natural-log probability of each sentence (its words and ``</s>``; ``<s>`` is context)."""
        return self.token_scores(sentences).per_sentence()

    def _scorer(self):
        """A graph function ``(inputs, targets) -> log-probability of each target`` (0 at padding),
        the output layer applied to bounded blocks of positions
        (:func:`neural.lm_training.exact_nll`)."""
        import tensorflow as tf

        from neural.lm_training import exact_nll

        if getattr(self, "_score_fn", None) is None:
            hidden, weights, spec = (
                self.hidden_,
                self.output_weights_,
                tf.TensorSpec((None, None), tf.int32),
            )

            @tf.function(input_signature=[spec, spec])
            def score(x, y):
                nll = tf.reshape(exact_nll(hidden(x, training=False), y, weights), tf.shape(y))
                return -nll * tf.cast(y != 0, nll.dtype)

            self._score_fn = score
        return self._score_fn

    def perplexity(self, sentences: list[list[str]]):
        """Perplexity with and without OOV tokens, computed exactly as for the n-gram models."""
        from core.scoring import perplexity

        return perplexity(self, sentences)
