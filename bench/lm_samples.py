"""Sentences sampled from a fitted language model, written into its result
(``bench.lm_results.LMResult.samples``)."""

from __future__ import annotations

#: what a fitted LM writes into its result, for a reader to see what the perplexity means:
#: sentences drawn from ``<s>`` (3 per temperature, at most 30 words); the n-gram models (each
#: smoothing at its highest order) sample their distribution as it is (temperature 1), the neural
#: ones also sharpened (0.7)
SAMPLE_SENTENCES, SAMPLE_WORDS, NEURAL_TEMPERATURES = 3, 30, (1.0, 0.7)


def samples_of(lm, seed: int, *, neural: bool) -> list[dict]:
    """``[{"temperature", "seed", "sentences"}]``: sentences sampled from a fitted LM, words joined
    by spaces (``</s>`` ends a sentence and is not shown; one that reached the word limit ends in
    ``…``)."""
    out = []
    for temperature in NEURAL_TEMPERATURES if neural else (1.0,):
        kwargs = {"temperature": temperature} if neural else {}
        drawn = lm.sample(SAMPLE_SENTENCES, seed=seed, max_length=SAMPLE_WORDS, **kwargs)
        sentences = [" ".join(w) + (" …" if len(w) >= SAMPLE_WORDS else "") for w in drawn]
        out.append({"temperature": temperature, "seed": seed, "sentences": sentences})
    return out
