"""English word tokenizer: lower-case, ``<br />`` removed, word tokens (and ``!``/``?``)."""

from __future__ import annotations

import re

from bench.tokenizers.base import Tokenizer

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*|[!?]")


class EnglishTokenizer(Tokenizer):
    """Lower-cases, replaces IMDB's ``<br />`` line breaks by spaces, and keeps word tokens.

    Words keep inner apostrophes (``don't``); ``!`` and ``?`` are kept as tokens because they
    carry sentiment; other punctuation is dropped.
    """

    name = "english"

    def __call__(self, text: str) -> list[str]:
        return _TOKEN.findall(_BREAK.sub(" ", text).lower())
