"""One registry mechanism for datasets, models, tokenizers, smoothings and language models.

Entries may be ``"module:attr"`` strings imported on first use (the pattern of
lm-evaluation-harness's registry), so listing names and running the classic baselines never import
TensorFlow or start a JVM.
"""

from __future__ import annotations

import importlib
from typing import Any, Generic, Iterator, TypeVar

from core.errors import unknown_name

T = TypeVar("T")


def load_object(reference: str) -> Any:
    """The object a ``"package.module:attr"`` reference names, importing its module."""
    module, sep, attr = reference.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"expected 'package.module:attr', got {reference!r}")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


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
        """The object for ``name``, importing it if the entry is lazy; unknown names suggest close
        ones."""
        if name not in self._entries:
            raise unknown_name(self.kind, name, list(self._entries))
        obj = self._entries[name]
        if isinstance(obj, str):
            obj = load_object(obj)
            self._entries[name] = obj
        return obj

    def reference(self, name: str) -> str:
        """The ``"module:attr"`` an entry was registered with (for a run file), without importing
        it."""
        if name not in self._entries:
            raise unknown_name(self.kind, name, list(self._entries))
        obj = self._entries[name]
        return obj if isinstance(obj, str) else f"{obj.__module__}:{obj.__qualname__}"

    def names(self) -> list[str]:
        """Every registered name, in registration order."""
        return list(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
