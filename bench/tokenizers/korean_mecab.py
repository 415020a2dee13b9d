"""MeCab-ko through ``python-mecab-ko`` with its bundled mecab-ko-dic: the fast C++ analyzer."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from bench.tokenizers.korean_base import KoreanMorphTokenizer, import_analyzer


class _Loaded(NamedTuple):
    mecab: Any  # mecab.MeCab
    tagger: Any | None  # its C++ tagger, when reachable
    create_lattice: Callable | None


class MecabTokenizer(KoreanMorphTokenizer):
    """MeCab with the mecab-ko-dic dictionary (Eunjeon project), Sejong-style tags.

    Inflected forms may come back as one token with a compound tag (``했/VV+EP``); a particle or
    ending is recognised by the compound's first tag. No stemming option.
    """

    name = "mecab"
    libraries = ("python-mecab-ko", "python-mecab-ko-dic")

    def _load(self) -> _Loaded:
        mecab = import_analyzer("mecab", "python-mecab-ko")
        analyzer = mecab.MeCab()
        # MeCab.pos() builds a dataclass per morpheme, half of the analysis time; reading MeCab's
        # own "surface<TAB>tag,features" output gives the same pairs (checked in the tests).
        # Both names are internals: without them, fall back to the public pos().
        try:
            from mecab.mecab import create_lattice

            return _Loaded(analyzer, analyzer._tagger, create_lattice)
        except (ImportError, AttributeError):
            return _Loaded(analyzer, None, None)

    def _analyze(self, text: str) -> list[tuple[str, str]]:
        loaded = self.analyzer
        if loaded.tagger is None:
            return loaded.mecab.pos(text)
        lattice = loaded.create_lattice(text)
        if not loaded.tagger.parse(lattice):
            raise RuntimeError(f"MeCab failed: {loaded.tagger.what()}")
        out = []
        for line in lattice.to_string().split("\n"):
            if line and line != "EOS":
                surface, _, feature = line.partition("\t")
                out.append((surface, feature.split(",", 1)[0]))
        return out
