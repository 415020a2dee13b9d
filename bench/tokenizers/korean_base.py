"""What every Korean morphological analyzer shares: normalisation, options, stopwords, versions.

Korean is agglutinative: a whitespace token (eojeol) glues a stem to particles and endings, so
word-level models need a morphological analyzer. The analyzers differ by two orders of magnitude
in speed and all have inputs they choke on (Komoran throws on whitespace-only text and emoji, Okt's
time grows exponentially with the length of an unspaced run of text), so every input is
normalised here first and a subclass only maps a clean, non-empty string to (morpheme, tag) pairs.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import time
import unicodedata
from importlib import metadata, resources

from bench.errors import BenchError
from bench.tokenizers.base import Tokenizer

# Hangul syllables plus compatibility jamo (ㅋㅋ, ㅠㅠ carry sentiment in reviews).
_NOT_HANGUL = re.compile(r"[^ㄱ-ㅎㅏ-ㅣ가-힣]+")
# Control and format characters, lone surrogates and non-characters: invisible, and \x00 or a lone
# surrogate crashes Komoran and breaks the JVM's string conversion.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff0-\uffff\ud800-\udfff]+"
)
_OUTSIDE_BMP = re.compile("[\U00010000-\U0010ffff]+")

DEFAULT_MAX_CHARS = 2_000
DEFAULT_MAX_WORD_CHARS = 50


def normalize_korean(
    text: str,
    *,
    hangul_only: bool = True,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_word_chars: int = DEFAULT_MAX_WORD_CHARS,
) -> str:
    """Clean ``text`` for an analyzer; the result is ``""`` or words joined by single spaces.

    NFC first (decomposed jamo become syllables). ``hangul_only`` turns everything but Hangul into
    spaces; otherwise only invisible characters go and Latin is lower-cased. Words longer than
    ``max_word_chars`` are cut into pieces (unspaced runs are where analyzers blow up), and the
    text is cut at a word boundary after ``max_chars`` characters.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # NFC can shrink decomposed Hangul up to 3x; cutting first bounds the work on huge inputs
    text = unicodedata.normalize("NFC", text[: 4 * max_chars])
    text = _NOT_HANGUL.sub(" ", text) if hangul_only else _INVISIBLE.sub(" ", text).lower()
    words: list[str] = []
    used = 0
    for word in text.split():
        for i in range(0, len(word), max_word_chars):
            piece = word[i : i + max_word_chars]
            if used + len(piece) > max_chars:
                return " ".join(words)
            words.append(piece)
            used += len(piece) + 1
    return " ".join(words)


def strip_outside_bmp(text: str) -> str:
    """``text`` with characters beyond U+FFFF (emoji) removed, for analyzers that crash on them."""
    return " ".join(_OUTSIDE_BMP.sub(" ", text).split())


@functools.lru_cache(maxsize=1)
def korean_stopwords() -> frozenset[str]:
    """The particle and ending forms in ``data/korean_stopwords.txt`` (``#`` starts a comment)."""
    raw = (
        resources.files("bench.tokenizers").joinpath("data/korean_stopwords.txt").read_text("utf-8")
    )
    return frozenset(w for line in raw.splitlines() for w in line.split("#", 1)[0].split())


def library_versions(libraries: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of ``libraries`` (distribution names); ``"missing"`` if not installed."""
    out = {}
    for lib in libraries:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "missing"
    return out


def import_analyzer(module: str, distribution: str):
    """Import an analyzer's module, or say in one sentence how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BenchError(
            f"{distribution} is not installed ({exc}); install it with "
            f"`pip install {distribution}`."
        ) from None


_JVM_LOCK = threading.Lock()
_LOAD_LOCK = threading.RLock()  # re-entrant: loading an analyzer takes _JVM_LOCK inside it
_LOADED: dict[type, object] = {}  # analyzer class -> its loaded analyzer, one per process


def ensure_konlpy_jvm(max_heap_mb: int = 1024) -> None:
    """Start the JVM KoNLPy's analyzers run in, once per process (later calls do nothing)."""
    import_analyzer("konlpy", "konlpy")
    import jpype
    from konlpy import jvm

    with _JVM_LOCK:
        if jpype.isJVMStarted():
            return
        try:
            jvm.init_jvm(max_heap_size=max_heap_mb)
        except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException, OSError) as exc:
            raise BenchError(
                f"cannot start Java for KoNLPy ({exc}); install a JDK (17 works) "
                "or set JAVA_HOME to one."
            ) from None


class KoreanMorphTokenizer(Tokenizer):
    """Base of the Korean analyzers: normalise, analyse, filter stopwords, format tokens.

    Options (keyword-only, recorded in ``config()`` and in cache keys):

    - ``pos``: tokens are ``morpheme/TAG`` pairs instead of bare morphemes;
    - ``stem``: verbs and adjectives in dictionary form (``좋았어`` -> ``좋다``); only analyzers
      with ``supports_stem`` accept it;
    - ``stopwords``: drop particles and endings listed in ``data/korean_stopwords.txt`` (only when
      the analyzer tags them as a particle or ending, so the verb ``가다`` keeps its ``가``);
    - ``hangul_only``: keep only Hangul (the usual NSMC preprocessing) or also Latin, digits,
      punctuation and emoji;
    - ``max_chars``, ``max_word_chars``: the length caps of ``normalize_korean``.

    Subclasses set ``name``, ``libraries`` (distribution names, the first is the analyzer) and
    implement ``_load`` (build the analyzer, called once, on first use) and ``_analyze``.
    """

    name = "korean-morph"
    version = "1"  # bump when normalisation or output changes: it keys caches and results
    libraries: tuple[str, ...] = ()
    supports_stem = False
    #: Slow enough that a corpus is worth tokenizing in several processes.
    parallel_worthwhile = False
    #: Tokenized corpora are worth caching on disk (see ``bench.tokenizers.cache``).
    cacheable = True

    def __init__(
        self,
        *,
        pos: bool = False,
        stem: bool = False,
        stopwords: bool = False,
        hangul_only: bool = True,
        max_chars: int = DEFAULT_MAX_CHARS,
        max_word_chars: int = DEFAULT_MAX_WORD_CHARS,
    ):
        if stem and not self.supports_stem:
            raise BenchError(
                f"the {self.name} tokenizer cannot stem; use okt or kiwi for stem=True."
            )
        if not (
            isinstance(max_chars, int)
            and max_chars > 0
            and isinstance(max_word_chars, int)
            and max_word_chars > 0
        ):
            raise BenchError("max_chars and max_word_chars must be positive integers.")
        super().__init__(
            pos=bool(pos),
            stem=bool(stem),
            stopwords=bool(stopwords),
            hangul_only=bool(hangul_only),
            max_chars=max_chars,
            max_word_chars=max_word_chars,
        )
        self._analyzer = None
        self._warned = False

    def config(self) -> dict:
        """Name, version and options plus the analyzer libraries' versions (caches key on them)."""
        versions = library_versions(self.libraries)
        return {
            **super().config(),
            "library": self.libraries[0],
            "library_version": versions[self.libraries[0]],
            "library_versions": versions,
        }

    @property
    def analyzer(self):
        """The underlying analyzer, built on first use (so naming a tokenizer starts no JVM).

        Options apply per call, so every instance of a class in a process shares one analyzer:
        a Komoran model takes a large share of the JVM's heap and is slow to load.
        """
        if self._analyzer is None:
            with _LOAD_LOCK:
                if type(self) not in _LOADED:
                    _LOADED[type(self)] = self._load()
            self._analyzer = _LOADED[type(self)]
        return self._analyzer

    def warm_up(self) -> float:
        """Load the analyzer, run it once (Okt loads dictionaries on first use); seconds taken."""
        start = time.perf_counter()
        self("영화가 정말 재밌었어요")
        return time.perf_counter() - start

    def normalize(self, text: str) -> str:
        """The cleaned text this tokenizer analyses (see ``normalize_korean``)."""
        o = self.options
        return normalize_korean(
            text,
            hangul_only=o["hangul_only"],
            max_chars=o["max_chars"],
            max_word_chars=o["max_word_chars"],
        )

    def __call__(self, text: str) -> list[str]:
        clean = self.normalize(text)
        if not clean:
            return []  # Komoran throws on empty input; no analyzer is worth calling on it
        _ = (
            self.analyzer
        )  # load errors (missing library, no Java) must surface, not be retried per word
        pairs = self._safe_analyze(clean)
        if self.options["stopwords"]:
            stop = korean_stopwords()
            pairs = [(m, t) for m, t in pairs if not (m in stop and self._is_function_tag(t))]
        if self.options["pos"]:
            return [f"{m}/{t}" for m, t in pairs if m and not m.isspace()]
        return [m for m, _ in pairs if m and not m.isspace()]

    def _safe_analyze(self, text: str) -> list[tuple[str, str]]:
        """``_analyze``, falling back to one word at a time if the analyzer throws on the text.

        A word the analyzer still fails on is kept whole (tag ``NA``) rather than crashing a
        whole corpus's run; the first such failure is reported on stderr.
        """
        try:
            return self._analyze(text)
        except Exception as exc:  # JVM and C++ analyzers raise all kinds of errors
            self._warn(text, exc)
        out: list[tuple[str, str]] = []
        for word in text.split():
            try:
                out.extend(self._analyze(word))
            except Exception:
                out.append((word, "NA"))
        return out

    def _warn(self, text: str, exc: BaseException) -> None:
        if not self._warned:
            self._warned = True
            print(
                f"warning: {self.name} failed on {text[:40]!r} ({type(exc).__name__}); "
                "analysing it word by word (further failures are not reported)",
                file=sys.stderr,
                flush=True,
            )

    def _is_function_tag(self, tag: str) -> bool:
        """Whether ``tag`` is a particle or an ending (Sejong tags J* and E*; mecab's ``EP+EF``)."""
        return tag[:1] in ("J", "E")

    def _load(self):
        raise NotImplementedError

    def _analyze(self, text: str) -> list[tuple[str, str]]:
        """(morpheme, tag) pairs of a normalised, non-empty ``text``."""
        raise NotImplementedError

    def __getstate__(self) -> dict:
        # a JVM or C++ analyzer cannot be pickled; a copy in another process loads its own
        return {**self.__dict__, "_analyzer": None}
