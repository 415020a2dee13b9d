"""The English tokenizer and the Korean whitespace baseline."""

import pytest

from bench.errors import BenchError
from bench.tokenizers import TOKENIZERS, make_tokenizer


def test_english_lowercases_strips_br_and_keeps_words():
    tok = make_tokenizer("english")
    assert tok("Great movie!<br /><br />I DIDN'T like the end...") == [
        "great",
        "movie",
        "!",
        "i",
        "didn't",
        "like",
        "the",
        "end",
    ]
    assert tok("") == []


def test_korean_whitespace_cleans_non_hangul():
    tok = make_tokenizer("korean-ws")
    assert tok("아 더빙.. 진짜 짜증나네요 목소리 ㅋㅋ 10점!!") == [
        "아",
        "더빙",
        "진짜",
        "짜증나네요",
        "목소리",
        "ㅋㅋ",
        "점",
    ]
    assert make_tokenizer("korean-ws", hangul_only=False)("GOOD 영화 10점") == [
        "good",
        "영화",
        "10점",
    ]
    assert tok("") == [] and tok("!!!") == []


def test_tokenizer_config_identifies_options():
    a = make_tokenizer("korean-ws").config()
    b = make_tokenizer("korean-ws", hangul_only=False).config()
    assert a["name"] == b["name"] == "korean-ws" and a != b


def test_unknown_tokenizer_suggests():
    with pytest.raises(BenchError, match="english"):
        make_tokenizer("englsh")


def test_registry_lists_baselines():
    assert {"english", "korean-ws"} <= set(TOKENIZERS)
