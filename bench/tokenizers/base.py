"""The interface every tokenizer implements."""

from __future__ import annotations

import sys
import time
from typing import Iterable


class Tokenizer:
    """Turns a text into a list of tokens. Subclasses implement ``__call__`` and set ``name``.

    ``options`` are the keyword arguments the tokenizer was built with; ``config()`` is what a run
    records and what caches are keyed by.
    """

    name = "base"
    version = "1"

    def __init__(self, **options):
        self.options = dict(sorted(options.items()))

    def __call__(self, text: str) -> list[str]:
        raise NotImplementedError

    def config(self) -> dict:
        return {"name": self.name, "version": self.version, "options": self.options}

    def tokenize_many(
        self, texts: Iterable[str], *, progress: str | None = None
    ) -> list[list[str]]:
        """Tokenize many texts; with ``progress`` set, report docs done and docs/s on stderr."""
        texts = list(texts)
        out: list[list[str]] = []
        start = last = time.perf_counter()
        for i, text in enumerate(texts, start=1):
            out.append(self(text))
            now = time.perf_counter()
            if progress and (now - last > 5 or i == len(texts)) and now - start > 1:
                rate = i / (now - start)
                left = (len(texts) - i) / rate if rate else 0
                print(
                    f"  {progress}: {i:,}/{len(texts):,} docs, {rate:,.0f} docs/s, "
                    f"{left:.0f}s left",
                    file=sys.stderr,
                    flush=True,
                )
                last = now
        return out
