"""Our modified Kneser-Ney against KenLM: stored ``lmplz``/``query`` figures; KenLM reads our ARPA.

``data/ngram/kenlm_reference.json`` holds perplexities KenLM itself computed on the same files
(``data/ngram/make_kenlm_reference.py`` made it, recording the exact commands), so these tests need
no KenLM binaries. The ARPA round trip needs the ``kenlm`` Python module, a test dependency.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from baselines.ngram import make_lm
from baselines.ngram.arpa import write_arpa

DATA = Path(__file__).parent / "data" / "ngram"
REFERENCE = json.loads((DATA / "kenlm_reference.json").read_text(encoding="utf-8"))
LN10 = math.log(10.0)
# The full IMDB corpus at orders 4 and 5 is checked by tests/benchmarks/test_ngram_speed.py, which
# fits those models anyway; here order 3 keeps this file within a minute.
FULL_IMDB_ORDERS = {3}


def _read(name: str) -> list[list[str]]:
    return [line.split() for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def corpus(name: str) -> tuple[list[list[str]], list[list[str]]]:
    """Train and test sentences of a reference corpus, checked to be the text KenLM saw."""
    if name == "toy":
        train, test = _read("toy_train.txt"), _read("toy_test.txt")
    else:
        from tests.benchmarks.real_slices import tokenized_slice

        about = REFERENCE["corpora"][name]
        train, _, test, _, _ = tokenized_slice(
            about["dataset"]
        )  # full splits, in the loader's order
        train, test = train[: about["train_docs"]], test[: about["test_docs"]]
    for part, sentences in (("train", train), ("test", test)):
        text = "".join(" ".join(s) + "\n" for s in sentences).encode("utf-8")
        assert hashlib.sha256(text).hexdigest() == REFERENCE["corpora"][name][f"{part}_sha256"], (
            f"the {name} {part} text is not the one KenLM scored (tokenizer changed?): rerun "
            "tests/data/ngram/make_kenlm_reference.py"
        )
    return train, test


def _cases():
    for row in REFERENCE["results"]:
        if row["corpus"] == "imdb" and row["order"] not in FULL_IMDB_ORDERS:
            continue
        marks = [] if row["corpus"] == "toy" else [pytest.mark.realdata]
        yield pytest.param(row, marks=marks, id=f"{row['corpus']}-order{row['order']}")


@pytest.mark.parametrize("row", list(_cases()))
def test_mkn_matches_lmplz(row):
    train, test = corpus(row["corpus"])
    model = make_lm("mkn", order=row["order"]).fit(train)
    assert [len(t) for t in model.tables_] == row["ngrams"]  # lmplz's ARPA header
    assert np.allclose(model.discounts_, row["discounts"], rtol=2e-5, atol=0)  # printed to 6 digits
    ppl = model.perplexity(test)
    assert (ppl.oov, ppl.tokens) == (row["oov"], row["tokens"])
    # lmplz's figures to their printed precision (well inside the required agreement, 0.1%)
    assert ppl.perplexity == pytest.approx(row["perplexity"], rel=1e-5)
    assert ppl.perplexity_excl_oov == pytest.approx(row["perplexity_excl_oov"], rel=1e-5)


def _kenlm_sentence_log10(model, sentence: list[str]) -> tuple[float, list[float]]:
    # sum in float64: kenlm's own float32 running sum drifts past 1e-4 on reviews of ~1000 tokens
    words = [p for p, _, _ in model.full_scores(" ".join(sentence))]
    return math.fsum(words), words


@pytest.mark.parametrize("name", ["mkn", "kn", "witten-bell", "absolute"])
@pytest.mark.parametrize("order", [2, 3, 5])
def test_kenlm_reads_our_arpa_and_scores_every_sentence_like_us(tmp_path, name, order):
    import kenlm  # a test dependency: the reader the rest of the world uses

    train, test = corpus("toy")
    model = make_lm(name, order=order).fit(train)
    path = write_arpa(model, tmp_path / "model.arpa")
    reader = kenlm.Model(str(path))
    assert reader.order == order
    ours = model.log_prob(test) / LN10
    tokens = model.token_scores(test).log_probs / LN10
    at = 0
    for sentence, mine in zip(test, ours):
        total, words = _kenlm_sentence_log10(reader, sentence)
        assert total == pytest.approx(mine, abs=1e-4)
        assert reader.score(" ".join(sentence)) == pytest.approx(mine, abs=1e-4)
        assert np.allclose(words, tokens[at : at + len(words)], atol=1e-5)
        at += len(words)


@pytest.mark.realdata
def test_kenlm_reads_our_arpa_on_imdb(tmp_path):
    import kenlm

    train, test = corpus("imdb-2k")
    model = make_lm("mkn", order=3).fit(train)
    reader = kenlm.Model(str(write_arpa(model, tmp_path / "imdb.arpa")))
    ours = model.log_prob(test) / LN10
    theirs = np.array([_kenlm_sentence_log10(reader, s)[0] for s in test])
    assert np.abs(theirs - ours).max() < 1e-4
