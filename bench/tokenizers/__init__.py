"""The tokenizer registry. A tokenizer is part of a run's configuration and recorded with it.

Every tokenizer is a callable ``text -> list[str]`` with a ``name`` and a ``config()`` dict that
identifies it (name, options, library version), so results and caches can be keyed by it.
"""

from __future__ import annotations

from bench.tokenizers.base import Tokenizer
from core.registry import Registry

TOKENIZERS: Registry[type] = Registry("tokenizer")
TOKENIZERS.register("english", "bench.tokenizers.english:EnglishTokenizer")
TOKENIZERS.register("korean-ws", "bench.tokenizers.korean_whitespace:KoreanWhitespaceTokenizer")
# Korean morphological analyzers; KoNLPy's start a JVM, but only when first used
TOKENIZERS.register("mecab", "bench.tokenizers.korean_mecab:MecabTokenizer")
TOKENIZERS.register("kiwi", "bench.tokenizers.korean_kiwi:KiwiTokenizer")
TOKENIZERS.register("okt", "bench.tokenizers.korean_okt:OktTokenizer")
TOKENIZERS.register("komoran", "bench.tokenizers.korean_komoran:KomoranTokenizer")

#: The Korean tokenizers compared on NSMC, fastest first.
KOREAN_ANALYZERS = ("korean-ws", "mecab", "kiwi", "komoran", "okt")

#: The tokenizer a dataset uses unless the run configuration names another.
DEFAULT_FOR_LANGUAGE = {"en": "english", "ko": "korean-ws"}


def make_tokenizer(name: str, **options) -> Tokenizer:
    """Build the tokenizer registered as ``name`` with its options."""
    return TOKENIZERS.get(name)(**options)


__all__ = ["TOKENIZERS", "DEFAULT_FOR_LANGUAGE", "KOREAN_ANALYZERS", "Tokenizer", "make_tokenizer"]
