"""Kiwi (Korean Intelligent Word Identifier) through ``kiwipiepy``: C++, statistical LM."""

from __future__ import annotations

import warnings

from bench.tokenizers.korean_base import KoreanMorphTokenizer, import_analyzer


class KiwiTokenizer(KoreanMorphTokenizer):
    """kiwipiepy's ``Kiwi`` with its default model and dictionaries, single-threaded.

    Parallelism comes from our worker processes, so Kiwi's own thread pool stays off
    (``num_workers=0``). ``stem=True`` gives verbs and adjectives as lemmas (``좋/VA`` ->
    ``좋다``); unlike Okt, their endings stay separate tokens.
    """

    name = "kiwi"
    libraries = ("kiwipiepy", "kiwipiepy_model")
    supports_stem = True
    parallel_worthwhile = True  # a full NSMC corpus takes minutes on one core

    def _load(self):
        kiwipiepy = import_analyzer("kiwipiepy", "kiwipiepy")
        with warnings.catch_warnings():
            # 0 means "no thread pool" since 0.21, which is what we want; kiwipiepy still warns
            warnings.simplefilter("ignore", DeprecationWarning)
            kiwi = kiwipiepy.Kiwi(num_workers=0)
        kiwi.tokenize("")  # Kiwi initialises lazily; pay that cost here, not in the first document
        return kiwi

    def _analyze(self, text: str) -> list[tuple[str, str]]:
        # compatibility jamo (ㄴ다, not ᆫ다) like the other analyzers' output and our stopword list
        tokens = self.analyzer.tokenize(text, compatible_jamo=True)
        if self.options["stem"]:
            return [(t.lemma, t.tag) for t in tokens]
        return [(t.form, t.tag) for t in tokens]
