"""Drawing sentences from a fitted n-gram model, word by word, reproducibly from a seed."""

from __future__ import annotations

import numpy as np

from baselines.ngram.vocab import EOS


def sample(model, n_sentences: int, *, seed: int, max_length: int = 100) -> list[list[str]]:
    """``n_sentences`` token lists drawn from ``model``, each ending at ``</s>`` or ``max_length``.

    Stupid-backoff scores are renormalised at each step so they can be sampled too.
    """
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_sentences):
        words: list[str] = []
        while len(words) < max_length:
            log_p = model.next_log_probs(words)
            p = np.exp(log_p - log_p.max())
            cdf = np.cumsum(p)
            word = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
            if word == EOS:
                break
            words.append(model.vocab_.words[min(word, len(cdf) - 1)])
        out.append(words)
    return out
