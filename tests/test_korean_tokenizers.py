"""The Korean morphological analyzers: normalisation, odd inputs, options, laziness of the JVM."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time

import pytest

from bench.errors import BenchError
from bench.tokenizers import KOREAN_ANALYZERS, TOKENIZERS, make_tokenizer
from bench.tokenizers.korean_base import KoreanMorphTokenizer, korean_stopwords, normalize_korean


def _have(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def _have_java() -> bool:
    try:
        import jpype

        return bool(jpype.getDefaultJVMPath())
    except Exception:  # no jpype, or JVMNotFoundException
        return False


NEEDS = {
    "mecab": pytest.mark.skipif(not _have("mecab"), reason="python-mecab-ko is not installed"),
    "kiwi": pytest.mark.skipif(not _have("kiwipiepy"), reason="kiwipiepy is not installed"),
    "okt": pytest.mark.skipif(
        not (_have("konlpy") and _have_java()), reason="konlpy or Java is missing"
    ),
    "komoran": pytest.mark.skipif(
        not (_have("konlpy") and _have_java()), reason="konlpy or Java is missing"
    ),
}
ANALYZERS = [pytest.param(name, marks=NEEDS[name]) for name in ("mecab", "kiwi", "okt", "komoran")]

_TOKENIZERS: dict[tuple, KoreanMorphTokenizer] = {}


def tok(name: str, **options) -> KoreanMorphTokenizer:
    """One instance per (analyzer, options) for the whole session: analyzers load once."""
    key = (name, tuple(sorted(options.items())))
    if key not in _TOKENIZERS:
        _TOKENIZERS[key] = make_tokenizer(name, **options)
    return _TOKENIZERS[key]


# --- normalisation: no analyzer involved -------------------------------------------------------


def test_normalize_empty_and_blank():
    for text in ("", "   ", "\t\n\r", None, "!!!...", "\x00\u200b\ufeff"):
        assert normalize_korean(text) == ""


def test_normalize_hangul_only_keeps_syllables_and_jamo():
    assert (
        normalize_korean("아 더빙.. 진짜 짜증나네요 ㅋㅋ 10점!! 😀 OK")
        == "아 더빙 진짜 짜증나네요 ㅋㅋ 점"
    )


def test_normalize_without_hangul_only_keeps_latin_digits_emoji_lowercased():
    out = normalize_korean("GOOD\x00영화\u200b 10/10 😀\n\n끝", hangul_only=False)
    assert out == "good 영화 10/10 😀 끝"


def test_normalize_composes_decomposed_hangul():
    decomposed = "\u1100\u1161\u11ab"  # ᄀ ᅡ ᆫ as three code points: NFC gives 간
    assert normalize_korean(decomposed) == "간"


def test_normalize_caps_long_words_and_long_texts():
    assert normalize_korean("가" * 120, max_word_chars=50).split() == [
        "가" * 50,
        "가" * 50,
        "가" * 20,
    ]
    out = normalize_korean("영화 " * 20_000, max_chars=100)
    assert len(out) <= 100 and out.startswith("영화 영화") and not out.endswith(" ")


def test_stopword_list_is_package_data_of_particles_and_endings():
    stop = korean_stopwords()
    assert {"이", "가", "을", "를", "은", "는", "에서", "다", "었"} <= stop
    assert not {"지만", "네요", "않", "영화"} & stop  # contrast, emotive endings and content stay


def test_options_are_validated_without_loading_an_analyzer():
    with pytest.raises(BenchError, match="cannot stem"):
        make_tokenizer("mecab", stem=True)
    with pytest.raises(BenchError, match="cannot stem"):
        make_tokenizer("komoran", stem=True)
    with pytest.raises(BenchError, match="positive"):
        make_tokenizer("kiwi", max_chars=0)


def test_registry_and_config_carry_library_versions():
    assert set(KOREAN_ANALYZERS) <= set(TOKENIZERS)
    for name in ("mecab", "kiwi", "okt", "komoran"):
        cfg = make_tokenizer(name, pos=True).config()
        assert cfg["name"] == name and cfg["options"]["pos"] is True
        assert cfg["library_version"] == cfg["library_versions"][cfg["library"]]
    assert make_tokenizer("okt").config() != make_tokenizer("okt", stopwords=True).config()


def test_naming_and_configuring_jvm_tokenizers_starts_no_jvm():
    code = (
        "import jpype, json\n"
        "from bench.tokenizers import make_tokenizer\n"
        "from bench.grid import plan\n"
        "for n in ('okt', 'komoran'): make_tokenizer(n).config()\n"
        "plan(['nsmc'], ['nb'], [0], 'quick')\n"
        "print(json.dumps(jpype.isJVMStarted()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) is False


class _Flaky(KoreanMorphTokenizer):
    """An analyzer that throws on one word, like Komoran on some inputs."""

    name = "flaky"
    libraries = ("numpy",)

    def _load(self):
        return object()

    def _analyze(self, text):
        if "폭탄" in text:
            raise RuntimeError("analyzer crashed")
        return [(w, "NNG") for w in text.split()]


def test_a_crashing_analyzer_falls_back_to_word_by_word(capsys):
    t = _Flaky()
    assert t("좋은 폭탄 영화") == ["좋은", "폭탄", "영화"]
    assert t("또 폭탄") == ["또", "폭탄"]
    assert capsys.readouterr().err.count("warning: flaky failed") == 1  # reported once


# --- each analyzer on odd inputs ---------------------------------------------------------------

ODD = {
    "empty": "",
    "whitespace": " \t\n ",
    "emoji": "😀😀 🎬🍿",
    "latin": "hello WORLD 123 !!",
    "control": "\x00\u200b\ufeff",
    "mixed": "아 더빙.. 진짜 짜증나네요 목소리 😀 OK 10/10 ㅋㅋㅋ",
    "unspaced": "진짜재밌었어요배우들연기도최고고스토리도좋고" * 4,
    "very long": "정말 재밌는 영화였어요 " * 1_500,  # 19,500 characters
    "long unspaced": "ㅋ" * 20_000,
}


@pytest.mark.parametrize("name", ANALYZERS)
@pytest.mark.parametrize("hangul_only", [True, False])
def test_odd_inputs_never_crash(name, hangul_only):
    t = tok(name, hangul_only=hangul_only)
    t("영화")  # load the analyzer (and JVM) outside the timed calls
    for label, text in ODD.items():
        start = time.perf_counter()
        out = t(text)
        assert isinstance(out, list) and all(
            isinstance(x, str) and x and not x.isspace() for x in out
        ), label
        assert time.perf_counter() - start < 10, f"{name} took too long on {label}"
    assert t("") == [] and t(" \t\n ") == [] and t("\x00\u200b") == []
    if hangul_only:
        assert t("😀😀 🎬🍿") == [] and t("hello WORLD 123 !!") == []
    else:
        assert "hello" in t("hello WORLD 123 !!")
    assert (
        len(t(ODD["very long"])) < 1_500 * 3
    )  # capped at 2,000 characters: ~150 of the 1,500 phrases
    assert "짜증" in "".join(t(ODD["mixed"]))


@pytest.mark.parametrize("name", ANALYZERS)
def test_pos_option_gives_morpheme_tag_pairs(name):
    plain, tagged = (
        tok(name)("영화가 정말 재밌었어요"),
        tok(name, pos=True)("영화가 정말 재밌었어요"),
    )
    assert len(plain) == len(tagged)
    assert all(t.rsplit("/", 1)[0] == p and t.rsplit("/", 1)[1] for p, t in zip(plain, tagged))
    assert "영화" in plain


@pytest.mark.parametrize("name", ANALYZERS)
def test_stopwords_drop_particles_not_content(name):
    text = "영화가 정말 좋았다 집에 가고 싶다"
    full, filtered = tok(name)(text), tok(name, stopwords=True)(text)
    assert "가" in full and len(filtered) < len(full)
    assert "영화" in filtered and "정말" in filtered
    tagged = tok(name, pos=True, stopwords=True)(text)
    assert not any(t.rsplit("/", 1)[1] in ("JKS", "Josa") for t in tagged)


@pytest.mark.parametrize(
    "name", [pytest.param("okt", marks=NEEDS["okt"]), pytest.param("kiwi", marks=NEEDS["kiwi"])]
)
def test_stem_gives_dictionary_forms(name):
    assert "좋다" in tok(name, stem=True)("정말 좋았어요")
    assert "좋다" not in tok(name)("정말 좋았어요")


@NEEDS["mecab"]
def test_mecab_fast_path_matches_its_public_api():
    t = tok("mecab", hangul_only=False)
    for text in (
        "아 더빙.. 진짜 짜증나네요 목소리",
        "했었다 먹었고 ㅋㅋ 그랬나봐요",
        "a,b 1,000원 😀",
    ):
        clean = t.normalize(text)
        assert t._analyze(clean) == t.analyzer.mecab.pos(clean)


@NEEDS["mecab"]
def test_a_used_tokenizer_pickles_without_its_analyzer():
    t = make_tokenizer("mecab", pos=True)
    before = t("영화가 재밌다")
    copy = pickle.loads(pickle.dumps(t))
    assert copy._analyzer is None and copy("영화가 재밌다") == before


@NEEDS["mecab"]
def test_instances_share_one_loaded_analyzer():
    a, b = make_tokenizer("mecab"), make_tokenizer("mecab", pos=True, hangul_only=False)
    a("영화"), b("영화")
    assert a.analyzer is b.analyzer
