"""Sampling sentences from the recurrent language models
(:class:`neural.language_models.RecurrentLM`), as a mixin of the model class."""

from __future__ import annotations

import numpy as np

from neural.vocab import BOS, EOS, PAD


class LMSampling:
    """``sample``, for :class:`neural.language_models.RecurrentLM`."""

    def sample(
        self, n_sentences: int, *, seed: int, max_length: int = 100, temperature: float = 1.0
    ) -> list[list[str]]:
        """``n_sentences`` sentences drawn word by word from ``softmax(logits / temperature)``
        after ``<s>``, each ending at ``</s>`` or ``max_length`` words; reproducible for a
        ``seed``."""
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        rng = np.random.default_rng(seed)
        stoi = self.vocab_.stoi
        prefix = np.full((n_sentences, 1), stoi[BOS], dtype=np.int32)
        done = np.zeros(n_sentences, dtype=bool)
        for _ in range(max_length + 1):
            logits = np.asarray(self.model_.predict_on_batch(prefix))[:, -1].astype(np.float64)
            logits[:, [stoi[PAD], stoi[BOS]]] = -np.inf  # not words: never generated
            z = logits / temperature
            p = np.exp(z - z.max(axis=1, keepdims=True))
            cdf = np.cumsum(p, axis=1)
            nxt = (cdf < rng.random((n_sentences, 1)) * cdf[:, -1:]).sum(axis=1).astype(np.int32)
            prefix = np.concatenate([prefix, nxt[:, None]], axis=1)
            done |= nxt == stoi[EOS]
            if done.all():
                break
        return [self._words(row[1:])[:max_length] for row in prefix]

    def _words(self, ids: np.ndarray) -> list[str]:
        words = []
        for i in ids:
            if self.vocab_.itos[i] == EOS:
                break
            words.append(self.vocab_.itos[i])
        return words
