"""N-gram language models on the IMDB LM corpus: fit and scoring speed against KenLM and NLTK.

The IMDB LM corpus is the ``english`` tokenizer over the IMDB train reviews, one review per line;
the test text is the test reviews. The targets asserted here: an order-3 modified Kneser-Ney fit at
least 50x faster than NLTK's ``KneserNeyInterpolated`` and within 3x of KenLM's ``lmplz`` wall time,
scoring at least a million tokens per second, and perplexities equal to lmplz's (stored in
``tests/data/ngram/kenlm_reference.json``) within 0.1%.

``lmplz`` is timed live when a KenLM build is found (``$KENLM_BIN`` or ``PATH``); otherwise the
figure measured when the reference file was made is reported, and not asserted against. NLTK's
``fit`` only counts (its Kneser-Ney arithmetic happens at every query), so it is timed on a tenth of
the corpus and its per-token cost compared with ours on all of it; its per-query cost goes in
``extra_info`` too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from baselines.ngram import make_lm
from tests.benchmarks.real_slices import tokenized_slice

pytestmark = pytest.mark.realdata

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "data" / "ngram" / "kenlm_reference.json").read_text()
)
DATASET = {"imdb": "imdb", "nsmc": "nsmc"}


def corpus(name: str):
    train, _, test, _, _ = tokenized_slice(DATASET[name])
    return train, test


def kenlm_row(name: str, order: int) -> dict | None:
    return next(
        (r for r in REFERENCE["results"] if r["corpus"] == name and r["order"] == order), None
    )


def lmplz_seconds(train: list[list[str]], order: int, tmp: Path, repeats: int = 2) -> float | None:
    """Best wall time of ``lmplz`` (the reference file's command) on the same text, given KenLM."""
    binary = (
        Path(os.environ["KENLM_BIN"], "lmplz")
        if os.environ.get("KENLM_BIN")
        else shutil.which("lmplz")
    )
    if not binary or not Path(binary).exists():
        return None
    text = tmp / "train.txt"
    text.write_text("".join(" ".join(s) + "\n" for s in train), encoding="utf-8")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        with open(text, "rb") as fin:
            subprocess.run(
                [str(binary), "-o", str(order), "-S", "2G", "-T", str(tmp)],
                stdin=fin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
        best = min(best, time.perf_counter() - start)
    return best


FITS = [("imdb", "mkn", 3), ("imdb", "mkn", 4), ("imdb", "mkn", 5), ("nsmc", "mkn", 3)] + [
    ("imdb", name, order)
    for name in ("mle", "add-k", "witten-bell", "absolute", "kn", "stupid-backoff")
    for order in (3, 5)
]


@pytest.mark.benchmark(group="ngram-fit")
@pytest.mark.parametrize(
    "corpus_name,smoothing,order", FITS, ids=[f"{c}-{s}-{o}" for c, s, o in FITS]
)
def test_fit(benchmark, tmp_path, corpus_name, smoothing, order):
    train, test = corpus(corpus_name)
    rounds = 3 if (smoothing, order) == ("mkn", 3) else 1
    cpu = time.process_time()
    model = benchmark.pedantic(
        lambda: make_lm(smoothing, order=order).fit(train), rounds=rounds, iterations=1
    )
    fit = benchmark.stats.stats.min
    words = sum(map(len, train))
    info = {
        "train_words": words,
        "fit_seconds": fit,
        "fit_cpu_seconds": (time.process_time() - cpu) / rounds,
        "fit_words_per_s": words / fit,
        "ngrams": [len(t) for t in model.tables_],
    }
    if model.normalised:
        ppl = model.perplexity(test)
        info.update(
            perplexity=ppl.perplexity,
            perplexity_excl_oov=ppl.perplexity_excl_oov,
            oov=ppl.oov,
            tokens=ppl.tokens,
        )
    reference = kenlm_row(corpus_name, order) if smoothing == "mkn" else None
    if reference:
        live = lmplz_seconds(train, order, tmp_path)
        made = reference.get("lmplz_wall_seconds")
        info.update(
            kenlm_perplexity=reference["perplexity"],
            lmplz_seconds=live,
            lmplz_seconds_when_reference_was_made=min(made) if made else None,
        )
        if live:
            info["fit_over_lmplz"] = fit / live
    benchmark.extra_info.update(info)
    if reference:
        assert info["perplexity"] == pytest.approx(reference["perplexity"], rel=1e-3)
        if info.get("lmplz_seconds"):
            assert fit <= 3 * info["lmplz_seconds"]


@pytest.mark.benchmark(group="ngram-fit")
def test_nltk_kneser_ney_on_a_tenth(benchmark):
    lm_module = pytest.importorskip("nltk.lm")
    from nltk.lm.preprocessing import padded_everygram_pipeline

    train, test = corpus("imdb")
    tenth = train[: len(train) // 10]

    def nltk_fit():
        ngrams, vocab = padded_everygram_pipeline(3, tenth)
        model = lm_module.KneserNeyInterpolated(3)
        model.fit(ngrams, vocab)
        return model

    cpu = time.process_time()
    nltk_model = benchmark.pedantic(nltk_fit, rounds=1, iterations=1)
    nltk_seconds, nltk_cpu = benchmark.stats.stats.min, time.process_time() - cpu
    ours, ours_cpu = min(
        (_timed(lambda: make_lm("mkn", order=3).fit(train), cpu=True) for _ in range(2))
    )
    nltk_words, words = sum(map(len, tenth)), sum(map(len, train))
    speedup = (nltk_seconds / nltk_words) / (ours / words)
    sentence = test[0][:30]
    per_query = _timed(
        lambda: [
            nltk_model.logscore(word, sentence[max(0, i - 2) : i])
            for i, word in enumerate(sentence)
        ]
    )
    benchmark.extra_info.update(
        nltk_fit_seconds=nltk_seconds,
        nltk_train_words=nltk_words,
        nltk_fit_words_per_s=nltk_words / nltk_seconds,
        mkn_fit_seconds_full=ours,
        mkn_fit_words_per_s=words / ours,
        fit_speedup_per_word=speedup,
        fit_speedup_per_word_cpu=(nltk_cpu / nltk_words) / (ours_cpu / words),
        nltk_seconds_per_scored_word=per_query / len(sentence),
    )
    assert speedup >= 50


def _timed(work, cpu: bool = False):
    """Wall seconds of ``work()``; with ``cpu``, (wall, process CPU) seconds."""
    start, start_cpu = time.perf_counter(), time.process_time()
    work()
    wall = time.perf_counter() - start
    return (wall, time.process_time() - start_cpu) if cpu else wall


@pytest.mark.benchmark(group="ngram-score")
@pytest.mark.parametrize("order", [3, 5])
def test_scoring_speed(benchmark, order):
    train, test = corpus("imdb")
    model = make_lm("mkn", order=order).fit(train)
    index_seconds = _timed(lambda: model.log_prob(test[:1]))  # builds the look-up tables once
    benchmark.pedantic(model.log_prob, args=(test,), rounds=3, iterations=1)
    tokens = sum(map(len, test)) + len(test)  # words and </s>
    per_s = tokens / benchmark.stats.stats.min
    benchmark.extra_info.update(
        tokens=tokens, tokens_per_s=per_s, index_build_seconds=index_seconds
    )
    assert per_s >= 1e6
