"""Count-based n-gram language models: one counting base, one small class per smoothing method.

``make_lm("mkn", order=3).fit(sentences)`` then ``log_prob``, ``perplexity``, ``sample``, and
``write_arpa`` (in ``baselines.ngram.arpa``). Registry names are the ones ``python -m bench ngram
--smoothing`` accepts.
"""

from __future__ import annotations

from core.registry import Registry

#: smoothing name -> its model class (imported on first use)
SMOOTHINGS: Registry[type] = Registry("smoothing")
SMOOTHINGS.register("mle", "baselines.ngram.interpolated:MaximumLikelihood")
SMOOTHINGS.register("add-k", "baselines.ngram.additive:AddK")
SMOOTHINGS.register("witten-bell", "baselines.ngram.interpolated:WittenBell")
SMOOTHINGS.register("absolute", "baselines.ngram.kneser_ney:AbsoluteDiscounting")
SMOOTHINGS.register("kn", "baselines.ngram.kneser_ney:KneserNey")
SMOOTHINGS.register("mkn", "baselines.ngram.kneser_ney:ModifiedKneserNey")
SMOOTHINGS.register("stupid-backoff", "baselines.ngram.stupid_backoff:StupidBackoff")


def make_lm(name: str, **params):
    """An unfitted model: ``make_lm("mkn", order=3)``; an unknown name suggests the closest ones."""
    return SMOOTHINGS.get(name)(**params)


__all__ = ["SMOOTHINGS", "make_lm"]
