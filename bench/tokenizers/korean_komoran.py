"""Komoran 3 (Shineware) through KoNLPy, on the JVM."""

from __future__ import annotations

from bench.tokenizers.korean_base import (
    KoreanMorphTokenizer,
    ensure_konlpy_jvm,
    import_analyzer,
    strip_outside_bmp,
)


class KomoranTokenizer(KoreanMorphTokenizer):
    """KoNLPy's ``Komoran`` with its default model; Sejong tags, morphemes in base form.

    Komoran throws on empty or whitespace-only text and on characters beyond U+FFFF (emoji come
    back from the JVM as broken UTF-8), so those never reach it. No stemming option: it already
    splits ``했다`` into ``하/VV 았/EP 다/EF``. The JVM starts on first use, once per process.
    """

    name = "komoran"
    libraries = ("konlpy", "JPype1")
    parallel_worthwhile = True

    def _load(self):
        ensure_konlpy_jvm()
        import_analyzer("konlpy.tag", "konlpy")
        from konlpy.tag import Komoran

        return Komoran()

    def _analyze(self, text: str) -> list[tuple[str, str]]:
        text = strip_outside_bmp(text)
        return self.analyzer.pos(text) if text else []
