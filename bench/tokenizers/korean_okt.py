"""Okt (Open Korean Text, formerly Twitter's Korean analyzer) through KoNLPy, on the JVM."""

from __future__ import annotations

from bench.tokenizers.korean_base import KoreanMorphTokenizer, ensure_konlpy_jvm, import_analyzer


class OktTokenizer(KoreanMorphTokenizer):
    """KoNLPy's ``Okt`` (open-korean-text 2.1), built for informal web text such as reviews.

    ``stem=True`` passes Okt's own ``norm=True, stem=True``: spelling normalisation
    (``그랰ㅋㅋ`` -> ``그래ㅋㅋ``) and verbs/adjectives in dictionary form with their endings
    folded in. The JVM starts on first use, once per process.
    """

    name = "okt"
    libraries = ("konlpy", "JPype1")
    supports_stem = True
    parallel_worthwhile = True

    def _load(self):
        ensure_konlpy_jvm()
        import_analyzer("konlpy.tag", "konlpy")
        from konlpy.tag import Okt

        return Okt()

    def _analyze(self, text: str) -> list[tuple[str, str]]:
        stem = self.options["stem"]
        return self.analyzer.pos(text, norm=stem, stem=stem)

    def _is_function_tag(self, tag: str) -> bool:
        return tag in ("Josa", "Eomi", "PreEomi")
