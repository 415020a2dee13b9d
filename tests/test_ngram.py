"""The n-gram language models: numbers worked by hand, normalisation, counting, CLI, classifier."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from baselines.ngram import SMOOTHINGS, make_lm
from baselines.ngram.counts import NgramCounts
from baselines.ngram.lookup import KeyIndex
from baselines.ngram.vocab import LMInputError, Vocabulary, build_and_encode
from core.scoring import NotNormalisedError

DATA = Path(__file__).parent / "data" / "ngram"
NORMALISED = [n for n in SMOOTHINGS if n != "stupid-backoff"]

# Ten sentences over {a, b, c}. Padded with <s> ... </s>, the counts a reader can check are:
#   unigrams (as targets): a 7, b 7, c 5, </s> 10 (29 tokens; <s> is never a target)
#   bigrams: <s>a 5, <s>b 3, <s>c 2 | ab 4, ac 1, a</s> 2 | b</s> 4, ba 1, bc 2 | c</s> 4, ca 1
#   continuation counts N1+(. w): a 3 (<s>, b, c), b 2 (<s>, a), c 3 (<s>, a, b), </s> 3 (a, b, c)
TOY = [s.split() for s in ["a b", "a b", "a c", "b a", "b", "c a b", "a", "b c", "a b c", "c"]]
V_PRED = 5  # predictable words: <unk> </s> a b c  (<s> excluded)


def p_next(name: str, history: str, word: str, order: int = 2, **kw) -> float:
    model = make_lm(name, order=order, **kw).fit(TOY)
    return float(np.exp(model.next_log_probs(history.split())[model.vocab_.index[word]]))


def test_mle_by_hand():
    assert p_next("mle", "a", "b") == pytest.approx(4 / 7)
    assert p_next("mle", "", "a") == pytest.approx(5 / 10)  # p(a | <s>)
    assert p_next("mle", "c", "b") == 0.0  # unseen after a seen history
    model = make_lm("mle", order=2).fit(TOY)
    assert model.log_prob([["a", "b"]])[0] == pytest.approx(math.log(F(5, 10) * F(4, 7) * F(4, 7)))
    assert p_next("mle", "a", "b", order=1) == pytest.approx(7 / 29)


def test_add_k_by_hand():
    assert p_next("add-k", "a", "b") == pytest.approx((4 + 1) / (7 + V_PRED))
    assert p_next("add-k", "a", "zzz") == pytest.approx(1 / (7 + V_PRED))  # <unk>
    assert p_next("add-k", "a", "b", k=0.5) == pytest.approx(4.5 / (7 + 0.5 * V_PRED))
    assert p_next("add-k", "zzz", "b") == pytest.approx(1 / V_PRED)  # an unseen history: uniform


def test_witten_bell_by_hand():
    uni_b = (7 + 4 / V_PRED) / (29 + 4)  # 4 word types seen; the uniform gets 4/(29+4)
    assert p_next("witten-bell", "", "b", order=1) == pytest.approx(uni_b)
    assert p_next("witten-bell", "a", "b") == pytest.approx(
        (4 + 3 * uni_b) / (7 + 3)
    )  # 3 types after a
    assert p_next("witten-bell", "a", "zzz") == pytest.approx(3 / 10 * (4 / 33) / V_PRED)


def test_absolute_discounting_by_hand():
    # bigram counts of counts n1 = 3, n2 = 3 -> D = 3 / (3 + 2*3) = 1/3; the unigram counts have no
    # singleton, so that order falls back to D = 0.5
    uni_b = (7 - 0.5) / 29 + (0.5 * 4 / 29) / V_PRED
    assert p_next("absolute", "a", "b") == pytest.approx((4 - 1 / 3) / 7 + (1 / 3 * 3 / 7) * uni_b)
    model = make_lm("absolute", order=2).fit(TOY)
    assert model.discounts_[1] == pytest.approx((1 / 3,) * 3) and model.discount_fallback_ == [1]


def test_kneser_ney_by_hand():
    # unigrams use continuation counts (total 11; no singleton: D = 0.5 fallback), bigrams raw ones
    uni_b = (2 - 0.5) / 11 + (0.5 * 4 / 11) / V_PRED
    assert p_next("kn", "", "b", order=1) != pytest.approx(uni_b)  # order 1: top order, raw counts
    assert p_next("kn", "a", "b") == pytest.approx((4 - 1 / 3) / 7 + (1 / 3 * 3 / 7) * uni_b)
    uni_a = (3 - 0.5) / 11 + (0.5 * 4 / 11) / V_PRED
    assert p_next("kn", "b", "a") == pytest.approx((1 - 1 / 3) / 7 + (1 / 3 * 3 / 7) * uni_a)


def test_modified_kneser_ney_by_hand():
    # counts of counts too thin for eq. 26 here, so lmplz's fallback D1, D2, D3+ = 0.5, 1, 1.5 apply
    gamma0 = (1.0 * 1 + 1.5 * 3) / 11  # b has continuation count 2, a, c, </s> have 3
    uni_b = (2 - 1.0) / 11 + gamma0 / V_PRED
    gamma_a = (1.5 + 0.5 + 1.0) / 7  # after a: ab 4 (D3+), ac 1 (D1), a</s> 2 (D2)
    assert p_next("mkn", "a", "b") == pytest.approx((4 - 1.5) / 7 + gamma_a * uni_b)
    assert p_next("mkn", "a", "zzz") == pytest.approx(gamma_a * gamma0 / V_PRED)


def test_modified_discounts_formula():
    from baselines.ngram.kneser_ney import modified_discounts

    n = np.array([0, 100, 40, 20, 10])
    y = 100 / (100 + 80)
    expected = (1 - 2 * y * 40 / 100, 2 - 3 * y * 20 / 40, 3 - 4 * y * 10 / 20)
    assert modified_discounts(n) == pytest.approx(expected)
    assert modified_discounts(np.array([0, 5, 0, 1, 1])) is None


def test_stupid_backoff_by_hand_and_refuses_perplexity():
    assert p_next("stupid-backoff", "a", "b") == pytest.approx(4 / 7)
    assert p_next("stupid-backoff", "c", "b") == pytest.approx(0.4 * 7 / 29)  # "c b" unseen
    model = make_lm("stupid-backoff", order=2).fit(TOY)
    with pytest.raises(NotNormalisedError, match="not probabilities"):
        model.perplexity(TOY)


@pytest.mark.parametrize("name", NORMALISED)
@pytest.mark.parametrize("order,min_count", [(1, 1), (2, 1), (3, 1), (4, 1), (3, 2), (7, 1)])
def test_every_normalised_method_sums_to_one(name, order, min_count):
    train = [s.split() for s in (DATA / "toy_train.txt").read_text().splitlines()[:400]]
    model = make_lm(name, order=order, min_count=min_count).fit(train)
    histories = [
        [],
        ["w0"],
        ["w0", "w1"],
        ["w3", "w0", "w1", "w2", "w5"],
        ["never", "seen"],
        ["w0", "never"],
        train[7][:5],
        train[11],
        ["w1"] * 9,
    ]
    for history in histories:
        p = np.exp(model.next_log_probs(history))
        assert p[1] == 0.0  # <s> is never predicted
        assert p.sum() == pytest.approx(1.0, abs=1e-9), history


def test_counts_match_a_plain_counter():
    rng = np.random.default_rng(0)
    sentences = [[f"w{x}" for x in rng.zipf(1.5, size=rng.integers(0, 9)) % 30] for _ in range(300)]
    vocab, stream = build_and_encode(sentences)
    counts = NgramCounts(stream, 4, len(vocab))
    padded = [["<s>"] + s + ["</s>"] for s in sentences]

    def plain(n: int) -> Counter:  # the dictionary of tuples this package avoids, as the reference
        return Counter(tuple(p[i : i + n]) for p in padded for i in range(len(p) - n + 1))

    names = [(w,) for w in vocab.words]  # spell every table row out through its context row
    for n, table in enumerate(counts.tables, start=1):
        if n > 1:
            names = [names[c] + (vocab.words[w],) for c, w in zip(table.context, table.word)]
        expected = plain(n)
        expected.pop(("<s>",), None)  # <s> is never predicted: no unigram count
        assert {g: int(c) for g, c in zip(names, table.count) if c} == dict(expected)
        if n < 4:  # continuation counts: how many distinct words precede each n-gram
            left = Counter(g[1:] for g in plain(n + 1))
            assert {g: int(c) for g, c in zip(names, table.continuation) if c} == dict(left)


def test_key_index_finds_what_searchsorted_finds():
    rng = np.random.default_rng(1)
    keys = np.unique(rng.integers(0, 2**40, 50_000))
    queries = np.concatenate(
        [keys[rng.integers(0, len(keys), 20_000)], rng.integers(0, 2**40, 20_000)]
    )
    rows = KeyIndex(keys).find(queries)
    pos = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    assert np.array_equal(rows, np.where(keys[pos] == queries, pos, -1))
    assert np.array_equal(KeyIndex(np.zeros(0, dtype=np.int64)).find(queries[:5]), [-1] * 5)
    crowded = np.arange(0, 2**20, 64)  # a regular pattern of keys
    assert np.array_equal(KeyIndex(crowded).find(crowded), np.arange(len(crowded)))


def test_sorting_falls_back_to_argsort_when_keys_and_positions_do_not_fit_64_bits():
    from baselines.ngram.counts import _sort_by_key

    rng = np.random.default_rng(2)
    keys = rng.integers(0, 2**60, 1000)
    pos = rng.permutation(1000)
    sorted_keys, sorted_pos = _sort_by_key(keys.copy(), pos, 10, False)  # 60 + 10 bits > 64
    order = np.argsort(keys, kind="stable")
    assert np.array_equal(sorted_keys, keys[order]) and np.array_equal(sorted_pos, pos[order])


def test_vocabulary_cutoff_fixed_vocabulary_and_boundaries():
    model = make_lm("mkn", order=2, min_count=2).fit(TOY + [["rare", "a"]])
    assert "rare" not in model.vocab_.index and model.counts_.raw(1)[0] == 1  # rare -> <unk>
    shared = Vocabulary.build(TOY + [["d"]])
    fixed = make_lm("kn", order=2, vocabulary=shared).fit(TOY)
    assert len(fixed.vocab_) == 7 and np.exp(fixed.next_log_probs(["a"])).sum() == pytest.approx(1)
    with pytest.raises(LMInputError, match="<s>"):
        make_lm("mkn").fit([["a", "</s>", "b"]])


def test_log_prob_perplexity_and_oov_bookkeeping():
    model = make_lm("mkn", order=3).fit(TOY * 3)
    test = [["a", "b", "zzz"], [], ["c", "a"]]
    scores = model.token_scores(test)
    assert len(scores.log_probs) == 4 + 1 + 3 and scores.oov.sum() == 1
    per_sentence = [scores.log_probs[:4].sum(), scores.log_probs[4], scores.log_probs[5:].sum()]
    assert np.allclose(model.log_prob(test), per_sentence)
    ppl = model.perplexity(test)
    assert ppl.tokens == 8 and ppl.oov == 1
    assert ppl.perplexity == pytest.approx(math.exp(-scores.log_probs.sum() / 8))
    assert ppl.perplexity_excl_oov == pytest.approx(
        math.exp(-scores.log_probs[~scores.oov].sum() / 7)
    )


def test_match_lengths_by_hand():
    # "a b c": <s>a (the longest a first word can have), then <s>ab, abc, bc</s> all in TOY;
    # "c b a": <s>c, the bigram cb never seen, ba but not cba, ba</s> (from "b a")
    model = make_lm("mkn", order=3).fit(TOY)
    assert model.match_lengths([["a", "b", "c"], ["c", "b", "a"]]).tolist() == [
        2,
        3,
        3,
        3,
        2,
        1,
        2,
        3,
    ]
    assert make_lm("mkn", order=2).fit(TOY).match_lengths([["a", "b", "c"]]).tolist() == [
        2,
        2,
        2,
        2,
    ]


def test_model_size_by_hand():
    # order 2 on TOY: 11 distinct bigrams (listed above) and a unigram row per vocabulary word
    mkn = make_lm("mkn", order=2).fit(TOY)
    n1 = len(mkn.vocab_)
    assert mkn.params()["ngrams"] == [n1, 11]
    # a key per bigram, a log-probability per n-gram, a back-off weight per one-word history
    assert mkn.model_bytes() == 8 * 11 + 8 * (n1 + 11) + 8 * n1
    assert make_lm("stupid-backoff", order=2).fit(TOY).model_bytes() == 8 * 11 + 8 * (n1 + 11)
    assert make_lm("mkn", order=1).fit(TOY).model_bytes() == 8 * n1  # no keys, no back-off
    assert make_lm("add-k", order=2).fit(TOY).model_bytes() > 8 * 11


def test_sampling_is_reproducible_and_uses_the_vocabulary():
    model = make_lm("kn", order=3).fit(TOY)
    a, b = model.sample(5, seed=3), model.sample(5, seed=3)
    assert a == b and a != model.sample(5, seed=4)
    assert all(set(s) <= {"a", "b", "c", "<unk>"} and len(s) <= 100 for s in a)
    assert all(len(s) <= 3 for s in model.sample(3, seed=0, max_length=3))


def test_arpa_refused_for_methods_that_are_not_back_off_models(tmp_path):
    from baselines.ngram.arpa import write_arpa

    for name in ("mle", "add-k", "stupid-backoff"):
        with pytest.raises(ValueError, match="ARPA"):
            write_arpa(make_lm(name, order=2).fit(TOY), tmp_path / "x.arpa")


def test_classifier_fits_predicts_and_records_its_choice():
    from bench.models import get_model

    rng = np.random.default_rng(0)
    pos, neg = ["good", "great", "fine"], ["bad", "awful", "poor"]
    labels = rng.integers(0, 2, 120)
    docs = [
        list(rng.choice(["the", "film", "was", "a"], 6)) + list(rng.choice(pos if y else neg, 2))
        for y in labels
    ]
    clf = get_model("ngram-lm-clf").cls()(seed=0, orders=(1, 2), smoothings=("mkn", "witten-bell"))
    proba = clf.fit(docs, labels, 2).predict_proba(docs)
    assert proba.shape == (120, 2) and np.allclose(proba.sum(axis=1), 1)
    assert (proba.argmax(axis=1) == labels).mean() > 0.9
    params = clf.params()
    assert params["order"] in (1, 2) and params["smoothing"] in ("mkn", "witten-bell")
    assert len(params["validation_accuracy"]) == 4 and clf.n_parameters() > 0


def test_classifier_through_the_runner(tiny_home):
    from bench.runner import make_config, run

    result = run(make_config("imdb", "ngram-lm-clf", profile="quick"), quiet=True)
    assert result.accuracy > 0.8 and result.model_params["smoothing"] in (
        "mkn",
        "witten-bell",
        "absolute",
    )


# -- the command line ------------------------------------------------------------------------------
def bench_ngram(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", "ngram", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_json_contract_and_arpa(tmp_path):
    arpa = tmp_path / "toy.arpa"
    proc = bench_ngram(
        "--train",
        str(DATA / "toy_train.txt"),
        "--test",
        str(DATA / "toy_test.txt"),
        "--order",
        "3",
        "--smoothing",
        "mkn",
        "--arpa",
        str(arpa),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {
        "perplexity",
        "perplexity_excl_oov",
        "oov",
        "tokens",
        "fit_seconds",
        "score_seconds",
    } <= set(doc)
    reference = json.loads((DATA / "kenlm_reference.json").read_text())["results"]
    kenlm = next(r for r in reference if r["corpus"] == "toy" and r["order"] == 3)
    assert doc["perplexity"] == pytest.approx(kenlm["perplexity"], rel=1e-3)
    assert (doc["oov"], doc["tokens"]) == (kenlm["oov"], kenlm["tokens"])
    assert arpa.read_text().startswith("\\data\\\nngram 1=374\nngram 2=2457\nngram 3=5077\n")


def test_cli_samples_sentences_reproducibly():
    args = (
        "--train",
        str(DATA / "toy_train.txt"),
        "--test",
        str(DATA / "toy_test.txt"),
        "--order",
        "3",
        "--smoothing",
        "kn",
        "--sample",
        "4",
        "--seed",
        "7",
    )
    first, again = bench_ngram(*args, "--json"), bench_ngram(*args, "--json")
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert (
        doc["seed"] == 7
        and len(doc["samples"]) == 4
        and json.loads(again.stdout)["samples"] == doc["samples"]
    )
    vocabulary = {
        w for line in (DATA / "toy_train.txt").read_text().splitlines() for w in line.split()
    }
    assert {w for s in doc["samples"] for w in s.split()} <= vocabulary | {"<unk>"}
    text = bench_ngram(*args)
    assert text.stdout.splitlines()[-5:] == [
        "sampled from <s> (seed 7):",
        *(f"  {s}" for s in doc["samples"]),
    ]
    other = json.loads(bench_ngram(*args[:-1], "8", "--json").stdout)["samples"]
    assert other != doc["samples"]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--smoothing", "stupid-backoff"], "not probabilities"),
        (["--smoothing", "mkm"], "Did you mean 'mkn'"),
        (["--smoothing", "add-k", "--arpa", "out.arpa"], "ARPA"),
        (["--order", "0"], "at least 1"),
        (["--train", "missing.txt"], "no such file"),
        (["--test", "EMPTY"], "is empty"),
    ],
)
def test_cli_user_errors_are_one_line(tmp_path, monkeypatch, capsys, args, needle):
    from bench.cli import main

    (tmp_path / "empty.txt").write_text("")
    monkeypatch.chdir(tmp_path)
    argv = {
        "--train": str(DATA / "toy_train.txt"),
        "--test": str(DATA / "toy_test.txt"),
        "--order": "3",
        "--smoothing": "mkn",
    }
    for flag, value in zip(args[::2], args[1::2]):
        argv[flag] = str(tmp_path / "empty.txt") if value == "EMPTY" else value
    with pytest.raises(SystemExit) as stop:
        main(["ngram", *[x for kv in argv.items() for x in kv]])
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        stop.value.code == 2 and len(err) == 1 and err[0].startswith("error:") and needle in err[0]
    )
    assert not (tmp_path / "out.arpa").exists()
