"""English word tokenizer: lower-case, ``<br />`` removed, word tokens (and ``!``/``?``)."""

from __future__ import annotations

import re

from bench.tokenizers.base import Tokenizer

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# ratings ("7/10", "8.5/10") and hyphenated words ("must-see") stay whole, as in Wang & Manning
# (2012): a rating then is one unigram feature instead of a bigram
_TOKEN = re.compile(r"\d+(?:\.\d+)?/\d+|[a-z0-9]+(?:['’][a-z]+|-[a-z0-9]+)*|[!?]")


class EnglishTokenizer(Tokenizer):
    """Lower-cases, replaces IMDB's ``<br />`` line breaks by spaces, and keeps word tokens.

    Words keep inner apostrophes (``don't``) and hyphens (``must-see``), ratings like ``7/10`` are
    one token, ``!`` and ``?`` are kept as tokens because they carry sentiment; other punctuation
    is dropped.
    """

    name = "english"
    version = "2"

    def __call__(self, text: str) -> list[str]:
        return _TOKEN.findall(_BREAK.sub(" ", text).lower())
