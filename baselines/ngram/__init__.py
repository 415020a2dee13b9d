"""Count-based n-gram language models: one counting base, one small class per smoothing method.

``make_lm("mkn", order=3).fit(sentences)`` then ``log_prob``, ``perplexity``, ``sample``, and
``write_arpa`` (in ``baselines.ngram.arpa``). Registry names are the ones ``python -m bench ngram
--smoothing`` accepts.
"""

from __future__ import annotations

import difflib
import importlib

#: smoothing name -> "module:Class" (imported on first use)
SMOOTHING = {
    "mle": "baselines.ngram.interpolated:MaximumLikelihood",
    "add-k": "baselines.ngram.additive:AddK",
    "witten-bell": "baselines.ngram.interpolated:WittenBell",
    "absolute": "baselines.ngram.kneser_ney:AbsoluteDiscounting",
    "kn": "baselines.ngram.kneser_ney:KneserNey",
    "mkn": "baselines.ngram.kneser_ney:ModifiedKneserNey",
    "stupid-backoff": "baselines.ngram.stupid_backoff:StupidBackoff",
}


class UnknownSmoothingError(KeyError):
    """A smoothing name that is not registered; the message suggests the closest ones."""

    def __str__(self) -> str:
        return str(self.args[0])


def smoothing_class(name: str) -> type:
    """The model class registered as ``name``."""
    if name not in SMOOTHING:
        close = difflib.get_close_matches(name, list(SMOOTHING), n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownSmoothingError(f"unknown smoothing {name!r}.{hint} Known: {', '.join(SMOOTHING)}.")
    module, _, attr = SMOOTHING[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def make_lm(name: str, **params):
    """An unfitted model: ``make_lm("mkn", order=3)``."""
    return smoothing_class(name)(**params)


__all__ = ["SMOOTHING", "UnknownSmoothingError", "make_lm", "smoothing_class"]
