"""Checking a run's parameters against the model constructor's type annotations and ranges.

``--param`` values arrive as JSON (numbers, strings, booleans, lists, null), so a typo such as
``ngram=two`` would otherwise reach the model and fail minutes later, deep in a fit, with a
traceback. ``check_types`` compares each value with the annotation of the constructor argument of
that name and raises ``TypeError`` naming the argument, what it takes and what it got. Annotations
it does not know are accepted as they are: it only rejects what is certainly wrong.
``check_ranges`` does the same for the ranges a model class declares (``alpha > 0``), so a value
that would fit to NaN or fail deep in a fit is refused before any data is read.
"""

from __future__ import annotations

import math
import types
import typing


def matches(value, hint) -> bool:
    """Whether a JSON ``value`` can be what the annotation ``hint`` says; unknown hints pass."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(matches(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:  # JSON writes 1.0 as 1
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:  # tuple[X, ...]: a JSON list of X
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return isinstance(value, (list, tuple)) and all(matches(v, args[0]) for v in value)
    if (origin or hint) in (dict, list):
        return isinstance(value, origin or hint)
    return True


def describe(hint) -> str:
    """An annotation in words, for an error message: ``int or null``, ``a list of str``."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(describe(h) for h in typing.get_args(hint))
    if hint is type(None):
        return "null"
    if typing.get_origin(hint) is tuple:
        return f"a list of {describe(typing.get_args(hint)[0])}"
    return getattr(hint, "__name__", str(hint))


def _init_hints(cls: type) -> dict:
    """Annotations of ``cls.__init__`` and of each base ``__init__`` it passes ``**kwargs`` to."""
    hints: dict = {}
    for klass in reversed(cls.__mro__):
        if "__init__" in vars(klass) and klass is not object:
            hints.update(typing.get_type_hints(klass.__init__))
    hints.pop("return", None)
    return hints


def check_types(cls: type, params: dict) -> None:
    """Raise ``TypeError`` for the first value in ``params`` that ``cls(**params)`` cannot take."""
    hints = _init_hints(cls)
    for name, value in params.items():
        if name in hints and not matches(value, hints[name]):
            raise TypeError(f"{name} takes {describe(hints[name])}, got {value!r}")


def _declared_ranges(cls: type) -> dict:
    """``_param_ranges`` of ``cls`` merged along its hierarchy, a subclass's entries winning."""
    ranges: dict = {}
    for klass in reversed(cls.__mro__):
        ranges.update(vars(klass).get("_param_ranges", {}))
    return ranges


def _in_interval(value, low, high, closed: str) -> bool:
    if low is not None and (value < low or (value == low and closed not in ("left", "both"))):
        return False
    return high is None or value < high or (value == high and closed in ("right", "both"))


def describe_range(spec) -> str:
    """A declared range in words: ``> 0``, ``>= 1``, ``> 0 and < 1``, ``one of 'lr', 'svm'``."""
    if not isinstance(spec, tuple):
        return "one of " + ", ".join(repr(v) for v in sorted(spec))
    low, high, closed = spec
    lo = {"left": ">=", "both": ">="}.get(closed, ">")
    hi = {"right": "<=", "both": "<="}.get(closed, "<")
    if high is None:
        return f"{lo} {low}"
    if low is None:
        return f"{hi} {high}"
    return f"{lo} {low} and {hi} {high}"


def _allowed(value, spec) -> bool:
    if not isinstance(value, (str, int, float)):
        return True  # a wrong type is check_types's to report
    if not isinstance(spec, tuple):
        return value in spec
    if isinstance(value, (bool, str)):
        return True
    return math.isfinite(value) and _in_interval(value, *spec)  # JSON takes NaN and Infinity


def check_ranges(cls: type, params: dict) -> None:
    """Raise ``ValueError`` for the first value in ``params`` outside the range ``cls`` declares.

    A model class declares ``_param_ranges``, a dict from constructor argument to either
    ``(low, high, closed)`` (``None``: unbounded; ``closed`` says which ends are allowed:
    ``"left"``, ``"right"``, ``"both"`` or ``"neither"``, as scikit-learn's ``Interval``) or a set
    of allowed values. ``None`` (a value left to be chosen) is always allowed; a list (candidates
    to choose from) must be non-empty and each of its values in range.
    """
    ranges = _declared_ranges(cls)
    for name, value in params.items():
        if name not in ranges or value is None:
            continue
        spec = ranges[name]
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"{name} must be a non-empty list, each {describe_range(spec)}")
            bad = [v for v in value if not _allowed(v, spec)]
            if bad:
                raise ValueError(f"{name} must each be {describe_range(spec)}, got {bad[0]!r}")
        elif not _allowed(value, spec):
            raise ValueError(f"{name} must be {describe_range(spec)}, got {value!r}")
