"""Corpus perplexity as KenLM's ``query`` reports it: with and without OOV tokens, and the OOV count.

Every word and every ``</s>`` is a token; ``<s>`` is not. "Excluding OOVs" drops the OOV tokens' own
log probabilities and their count, but the words after an OOV keep ``<unk>`` in their history.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from baselines.ngram.base import NgramLM, NotNormalisedError


@dataclass(frozen=True)
class Perplexity:
    """Perplexity with OOVs, without them, the OOV count, the scored tokens and the total ln p."""

    perplexity: float
    perplexity_excl_oov: float
    oov: int
    tokens: int
    log_prob: float

    def to_dict(self) -> dict:
        """The figures as a JSON-ready dict."""
        return asdict(self)


def perplexity(model: NgramLM, sentences: list[list[str]]) -> Perplexity:
    """The perplexity of a normalised ``model`` on tokenized ``sentences``."""
    if not model.normalised:
        raise NotNormalisedError(f"{model.name} scores are not probabilities, so it has no perplexity; "
                                 "use its scores to rank, or pick a normalised smoothing such as mkn")
    return perplexity_of_scores(model.token_scores(sentences))


def perplexity_of_scores(scores) -> Perplexity:
    """The perplexity of a model's ``token_scores`` (a ``baselines.ngram.base.TokenScores``)."""
    tokens, oov = len(scores.log_probs), int(scores.oov.sum())
    total = float(scores.log_probs.sum())
    in_vocab = float(scores.log_probs[~scores.oov].sum())  # not total minus OOVs: -inf - -inf is nan

    def ppl(log_prob: float, n: int) -> float:
        return math.exp(-log_prob / n) if n else float("nan")

    return Perplexity(ppl(total, tokens), ppl(in_vocab, tokens - oov), oov, tokens, total)
