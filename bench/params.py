"""Checking a run's parameters against the model constructor's type annotations.

``--param`` values arrive as JSON (numbers, strings, booleans, lists, null), so a typo such as
``ngram=two`` would otherwise reach the model and fail minutes later, deep in a fit, with a
traceback. ``check_types`` compares each value with the annotation of the constructor argument of
that name and raises ``TypeError`` naming the argument, what it takes and what it got. Annotations
it does not know are accepted as they are: it only rejects what is certainly wrong.
"""

from __future__ import annotations

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
