"""The neutral core under both model families: registries, the language-model scoring contract and
train/validation splitting. ``baselines``, ``neural`` and ``bench`` import it; it imports none of
them.
"""
