"""A language model of your own text: fit on one file, score another (``python -m bench ngram``).

Files hold one whitespace-tokenized sentence per line, as KenLM's ``lmplz`` and ``query`` read them;
the figures follow ``query``'s conventions, so they can be checked against KenLM directly.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from baselines.ngram import SMOOTHINGS
from baselines.ngram.arpa import check_destination, write_arpa
from core.errors import UnknownNameError
from core.scoring import LMInputError, perplexity

EXPORTABLE = "witten-bell, absolute, kn, mkn"
#: the most sentences ``--sample`` draws: each word is drawn from a full distribution over the
#: vocabulary, so a large N keeps the command busy long after the perplexity is known
MAX_SAMPLE = 100


def normalised_smoothings() -> list[str]:
    """The smoothings whose scores are probabilities, so they have a perplexity: the ones
    ``bench ngram`` accepts (it imports each class to ask)."""
    return [name for name in SMOOTHINGS if SMOOTHINGS.get(name).normalised]


def read_sentences(path: str | Path) -> list[list[str]]:
    """One token list per line of a UTF-8 file; a missing, unreadable or empty file is refused."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as lines:
            sentences = [line.split() for line in lines]
    except FileNotFoundError:
        raise LMInputError(
            f"{path}: no such file; give a text file with one whitespace-tokenized "
            "sentence per line"
        ) from None
    except UnicodeDecodeError:
        raise LMInputError(
            f"{path} is not UTF-8 text; convert it (e.g. with iconv) and retry"
        ) from None
    except OSError as exc:
        raise LMInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not any(sentences):
        raise LMInputError(f"{path} is empty; it needs at least one sentence, one per line")
    return sentences


def _model_class(smoothing: str, order: int, arpa: str | Path | None, sample: int) -> type:
    """The class for ``smoothing``, once every setting is checked; before any file is read."""
    try:
        cls = SMOOTHINGS.get(smoothing)
    except UnknownNameError as exc:
        raise LMInputError(str(exc)) from None
    if not cls.normalised:
        raise LMInputError(
            f"{smoothing} scores rank continuations but are not probabilities (they do not sum "
            "to one), so it has no perplexity to report; choose one of "
            f"{', '.join(normalised_smoothings())}"
        )
    if arpa is not None and not cls.exportable:
        raise LMInputError(
            f"{smoothing} cannot be written as an ARPA back-off model; --arpa works "
            f"with {EXPORTABLE}"
        )
    if order < 1:
        raise LMInputError(f"--order must be at least 1, got {order}")
    if not 0 <= sample <= MAX_SAMPLE:
        raise LMInputError(f"--sample draws 1 to {MAX_SAMPLE} sentences, got {sample}")
    if arpa is not None:
        check_destination(arpa)
    return cls


def evaluate_files(
    train: str | Path,
    test: str | Path,
    *,
    order: int,
    smoothing: str,
    arpa: str | Path | None = None,
    sample: int = 0,
    seed: int = 0,
) -> dict:
    """Fit ``smoothing`` of ``order`` on ``train``, score ``test``; optionally write the ARPA file
    (atomically) and draw ``sample`` sentences, at most ``MAX_SAMPLE``, from the model
    (``samples``: strings, reproducible for ``seed``). Settings and the ARPA destination are
    checked before any file is read.

    Returns ``perplexity`` (OOVs included; ``None`` when infinite, as for an MLE model meeting an
    unseen n-gram), ``perplexity_excl_oov``, ``oov``, ``tokens`` (words and ``</s>``, as KenLM
    counts them), ``fit_seconds`` and ``score_seconds`` (file reading excluded), and the setup.
    """
    cls = _model_class(smoothing, order, arpa, sample)
    train_sentences, test_sentences = read_sentences(train), read_sentences(test)
    start = time.perf_counter()
    model = cls(order=order).fit(train_sentences)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    ppl = perplexity(model, test_sentences)
    score_seconds = time.perf_counter() - start
    samples = [" ".join(words) for words in model.sample(sample, seed=seed)] if sample else []
    if arpa is not None:  # last, so an interrupt before it leaves no file behind
        write_arpa(model, arpa)

    def finite(x: float) -> float | None:  # JSON has no infinity
        return x if math.isfinite(x) else None

    return {
        "perplexity": finite(ppl.perplexity),
        "perplexity_excl_oov": finite(ppl.perplexity_excl_oov),
        "oov": ppl.oov,
        "tokens": ppl.tokens,
        "fit_seconds": fit_seconds,
        "score_seconds": score_seconds,
        "order": order,
        "smoothing": smoothing,
        "train": str(train),
        "test": str(test),
        "train_sentences": len(train_sentences),
        "test_sentences": len(test_sentences),
        "vocabulary_size": len(model.vocab_),
        "ngrams": [len(t) for t in model.tables_],
        "arpa": str(arpa) if arpa is not None else None,
        "seed": seed,
        "samples": samples,
    }
