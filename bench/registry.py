"""A name -> object registry whose entries may be ``"module:attr"`` strings imported on first use.

Lazy entries keep ``bench list`` and the classic baselines from importing TensorFlow or starting
a JVM (the pattern of lm-evaluation-harness's registry).
"""

from __future__ import annotations

import importlib
from typing import Any, Generic, Iterator, TypeVar

from bench.errors import unknown_name

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps short kebab-case names to objects or lazy ``"module:attr"`` references."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Any] = {}

    def register(self, name: str, obj: T | str) -> None:
        """Add ``name``; a duplicate name is a programming error and raises."""
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = obj

    def get(self, name: str) -> T:
        """The object for ``name``, importing it if the entry is lazy; unknown names suggest close ones."""
        if name not in self._entries:
            raise unknown_name(self.kind, name, list(self._entries))
        obj = self._entries[name]
        if isinstance(obj, str):
            module, _, attr = obj.partition(":")
            obj = getattr(importlib.import_module(module), attr)
            self._entries[name] = obj
        return obj

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)
