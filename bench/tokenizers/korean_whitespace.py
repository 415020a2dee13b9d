"""The Korean whitespace baseline: keep Hangul (and optionally digits/Latin), split on spaces."""

from __future__ import annotations

import re

from bench.tokenizers.base import Tokenizer

_NOT_HANGUL = re.compile(r"[^ㄱ-ㅎㅏ-ㅣ가-힣\s]+")
_NOT_HANGUL_ALNUM = re.compile(r"[^ㄱ-ㅎㅏ-ㅣ가-힣a-zA-Z0-9\s]+")


class KoreanWhitespaceTokenizer(Tokenizer):
    """Hangul cleaning then whitespace split: each token is an eojeol (word + particles/endings).

    With ``hangul_only=True`` (the default, the usual NSMC preprocessing) everything but Hangul
    syllables and jamo becomes a space; with ``False`` Latin letters and digits are kept too.
    """

    name = "korean-ws"

    def __init__(self, *, hangul_only: bool = True):
        super().__init__(hangul_only=hangul_only)
        self._pattern = _NOT_HANGUL if hangul_only else _NOT_HANGUL_ALNUM

    def __call__(self, text: str) -> list[str]:
        return self._pattern.sub(" ", text).lower().split()
