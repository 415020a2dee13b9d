"""The language-model scoring contract every model follows, n-gram or neural, and corpus perplexity.

A language model scores tokenized sentences with ``token_scores(sentences) -> TokenScores``: the
natural-log probability of every scored token, which tokens are out of the vocabulary, and where
each sentence starts (KenLM's ``full_scores``). Perplexity is computed from those scores, the same
way for every model, as KenLM's ``query`` reports it: with and without OOV tokens, and the OOV
count.

Every word and every ``</s>`` is a token; ``<s>`` is not. "Excluding OOVs" drops the OOV tokens' own
log probabilities and their count, but the words after an OOV keep ``<unk>`` in their history.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np

from core.errors import UserError


@dataclass(frozen=True)
class TokenScores:
    """Natural-log score of every scored token, which tokens are OOV, and each sentence's first
    token."""

    log_probs: np.ndarray
    oov: np.ndarray
    sentence_starts: np.ndarray

    def per_sentence(self) -> np.ndarray:
        """Sum of the token scores of each sentence."""
        return (
            np.add.reduceat(self.log_probs, self.sentence_starts)
            if len(self.log_probs)
            else np.zeros(0)
        )


class NotNormalisedError(ValueError):
    """A perplexity was asked of a model whose scores are not probabilities."""


class LMInputError(UserError, ValueError):
    """Text a language model cannot use (empty, or holding ``<s>``/``</s>`` inside a sentence)."""


class ScoringLM(Protocol):
    """What ``perplexity`` needs of a model: a name, whether its scores are probabilities, and
    ``token_scores``."""

    name: str
    normalised: bool

    def token_scores(self, sentences: list[list[str]]) -> TokenScores: ...


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


def perplexity(model: ScoringLM, sentences: list[list[str]]) -> Perplexity:
    """The perplexity of a normalised ``model`` on tokenized ``sentences``."""
    if not model.normalised:
        raise NotNormalisedError(
            f"{model.name} scores are not probabilities, so it has no perplexity; "
            "use its scores to rank, or pick a normalised smoothing such as mkn"
        )
    return perplexity_of_scores(model.token_scores(sentences))


def perplexity_of_scores(scores) -> Perplexity:
    """The perplexity of a model's ``token_scores`` (a ``TokenScores``)."""
    tokens, oov = len(scores.log_probs), int(scores.oov.sum())
    total = float(scores.log_probs.sum())
    in_vocab = float(
        scores.log_probs[~scores.oov].sum()
    )  # not total minus OOVs: -inf - -inf is nan

    def ppl(log_prob: float, n: int) -> float:
        return math.exp(-log_prob / n) if n else float("nan")

    return Perplexity(ppl(total, tokens), ppl(in_vocab, tokens - oov), oov, tokens, total)
