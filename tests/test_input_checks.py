"""No silent wrong answers: slices keep every class, parameters and tokenizers are checked before
any data is read, invalid probabilities are errors and texts with no known token are flagged."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.datasets import DATASETS, Split, get_dataset
from bench.datasets.base import DatasetSpec, stratified_split
from bench.errors import BenchError
from bench.slicing import SLICE_SEED, stratified_slice

SMS_LABELS = np.array([1] * 597 + [0] * 3862)  # the SMS training split's classes
R8_COUNTS = [2840, 1596, 253, 251, 206, 190, 108, 41]  # R8's training documents per topic


def _split(labels: np.ndarray) -> Split:
    return Split([f"d{i}" for i in range(len(labels))], labels)


def _old_slice(split: Split, limit: int) -> Split:
    """The slice as it was before slices had to keep every class: the reference a slice that
    holds every class must still equal."""
    left_out = len(split) - limit
    if left_out < len(np.unique(split.labels)):
        drop = np.random.default_rng(SLICE_SEED).choice(len(split), left_out, replace=False)
        return split.take(np.setdiff1d(np.arange(len(split)), drop))
    keep, _ = stratified_split(split.labels, left_out, SLICE_SEED)
    return split.take(keep)


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``python -m bench *argv``, run in this process."""
    from bench.cli import main

    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def home(tiny_home):
    """The tiny data home (its files are not the published ones, on purpose)."""
    return tiny_home


@pytest.fixture
def no_data(monkeypatch):
    """Reading any dataset fails the test: what is checked here is checked before data is read."""

    def load(self):
        raise AssertionError(f"{self.name} was read before the check")

    monkeypatch.setattr(DatasetSpec, "load", load)


# ---------------------------------------------------------------- slices keep every class


@pytest.mark.parametrize("limit", [2, 3, 4, 7])
def test_a_small_slice_of_sms_proportions_keeps_both_classes(limit):
    part = stratified_slice(_split(SMS_LABELS), limit)
    assert len(part) == limit and len(set(part.texts)) == limit
    assert set(part.labels) == {0, 1}


@pytest.mark.parametrize("limit", [8, 9, 12, 20])
def test_a_small_slice_of_r8_proportions_keeps_every_topic(limit):
    labels = np.repeat(np.arange(8), R8_COUNTS)
    part = stratified_slice(_split(labels), limit)
    assert len(part) == limit and len(set(part.texts)) == limit
    assert set(part.labels) == set(range(8))


def test_a_class_of_one_document_is_kept():
    labels = np.array([0] * 50 + [1] * 30 + [2])
    part = stratified_slice(_split(labels), 10)
    assert len(part) == 10 and set(part.labels) == {0, 1, 2}


def test_a_slice_smaller_than_the_classes_is_refused():
    labels = np.repeat(np.arange(8), R8_COUNTS)
    with pytest.raises(BenchError, match="ask for at least 8"):
        stratified_slice(_split(labels), 7)


@pytest.mark.parametrize("seed", range(6))
def test_slices_holding_every_class_are_the_documents_they_were(seed):
    rng = np.random.default_rng(seed)
    labels = rng.choice(3, size=int(rng.integers(200, 400)), p=[0.6, 0.3, 0.1])
    split = _split(labels)
    for limit in (5, 20, 100, len(labels) - 2, len(labels) - 1):
        old = _old_slice(split, limit)
        if set(old.labels) == set(labels):
            assert stratified_slice(split, limit).texts == old.texts


def test_quick_slices_of_the_tiny_fixtures_are_unchanged(home):
    from bench.profiles import get_profile

    quick = get_profile("quick")
    for name in DATASETS:
        try:
            data = get_dataset(name).load()
        except BenchError:  # a dataset the tiny data home does not hold
            continue
        for split, cap in ((data.train, quick.max_train), (data.test, quick.max_test)):
            assert stratified_slice(split, cap) is split  # smaller than the quick caps
            half = len(split) // 2
            old = _old_slice(split, half)
            if set(old.labels) == set(split.labels):
                assert stratified_slice(split, half).texts == old.texts


def test_sms_max_train_3_keeps_both_classes_and_fits(home, capsys):
    # SMS proportions (one message in eight is spam): a stratified 3 used to be all ham
    lines = [
        f"spam\tWINNER claim your FREE prize now {i}" if i % 8 == 0 else f"ham\tsee you at {i}"
        for i in range(120)
    ]
    (home / "sms_spam" / "SMSSpamCollection").write_text("\n".join(lines) + "\n")
    train = get_dataset("sms-spam").load().train
    assert set(stratified_slice(train, 3).labels) == {0, 1}
    for model in ("nb", "nbsvm", "tfidf-lr"):
        code, out, err = cli(
            capsys, "run", "--dataset", "sms-spam", "--model", model, "--profile", "quick",
            "--max-train", "3", "--no-save", "--quiet", "--json",
        )  # fmt: skip
        assert code == 0, err
        assert json.loads(out)["train_size"] == 3


def test_r8_max_train_below_its_classes_is_refused_before_data_is_read(home, no_data, capsys):
    code, _, err = cli(capsys, "run", "--dataset", "r8", "--model", "nb", "--max-train", "5")
    one_line_error(code, err, "cannot hold one of each of the 8 classes", "--max-train 8")


# ---------------------------------------------------------------- parameters, before any data


@pytest.mark.parametrize(
    "model,param,needle",
    [
        ("nb", "alphas=[]", "alphas must be a non-empty list"),
        ("nb", "alphas=[1, 0]", "alphas must each be > 0, got 0"),
        ("nb", "alpha=0", "alpha must be > 0, got 0"),
        ("nb", "alpha=-1", "alpha must be > 0, got -1"),
        ("nb", "alpha=NaN", "alpha must be > 0, got nan"),
        ("cnb", "alpha=0", "alpha must be > 0"),
        ("nb", "ngram=0", "ngram must be >= 1, got 0"),
        ("nb", "min_df=0", "min_df must be >= 1, got 0"),
        ("nb", "validation_fraction=2", "validation_fraction must be > 0 and < 1, got 2"),
        ("tfidf-lr", "C=0", "C must be > 0, got 0"),
        ("tfidf-lr", "Cs=[]", "Cs must be a non-empty list"),
        ("nbsvm", "alpha=0", "alpha must be > 0, got 0"),
        ("nbsvm", "beta=2", "beta must be >= 0 and <= 1, got 2"),
        ("nbsvm", "loss=hinge", "loss must be one of 'lr', 'svm', got 'hinge'"),
        ("ngram-lm-clf", "order=0", "order must be >= 1, got 0"),
        ("ngram-lm-clf", "smoothing=mle", "smoothing must be one of"),
        ("lstm", "epochs=-1", "epochs must be >= 1, got -1"),
    ],
)
def test_a_bad_parameter_value_is_one_line_before_data_is_read(
    home, no_data, capsys, model, param, needle
):
    code, _, err = cli(
        capsys, "run", "--dataset", "sms-spam", "--model", model, "--param", param, "--no-save"
    )
    one_line_error(code, err, f"bad parameters for {model}", needle)


@pytest.mark.parametrize(
    "dataset,tokenizer,needle",
    [
        ("sms-spam", "mecab", "tokenizer mecab is for Korean text but sms-spam is English"),
        ("imdb", "korean-ws", "--tokenizer english"),
        ("nsmc", "english", "tokenizer english is for English text but nsmc is Korean"),
    ],
)
def test_a_tokenizer_for_another_language_is_refused(
    home, no_data, capsys, dataset, tokenizer, needle
):
    code, _, err = cli(
        capsys, "run", "--dataset", dataset, "--model", "nb", "--tokenizer", tokenizer
    )
    one_line_error(code, err, needle)


def test_min_df_above_every_document_frequency_is_one_line(home, capsys):
    code, _, err = cli(
        capsys, "run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick",
        "--param", "min_df=100000", "--no-save", "--quiet",
    )  # fmt: skip
    one_line_error(code, err, "min_df 100000 keeps no n-gram", "use at most")


# ---------------------------------------------------------------- probabilities and predict


def test_invalid_probabilities_are_an_error_not_nan():
    from baselines.naive_bayes import NaiveBayes
    from baselines.ngram.classifier import NgramLMClassifier
    from core.probabilities import check_probabilities

    with pytest.raises(BenchError, match=r"nb \(alpha=0\) gave invalid class probabilities"):
        check_probabilities(np.array([[0.5, 0.5], [np.nan, np.nan]]), "nb", {"alpha": 0})
    with pytest.raises(BenchError, match="not summing"):
        check_probabilities(np.array([[0.5, 0.6]]), "nb", {})
    docs = [["good", "fun"], ["bad", "dull"]] * 5
    labels = np.array([1, 0] * 5)
    # constructed directly, past the harness's range checks
    mle = NgramLMClassifier(order=2, smoothing="mle").fit(docs, labels, 2)
    with pytest.raises(BenchError, match="NgramLMClassifier"):
        mle.predict_proba([["good", "dull"]])  # unseen by both classes: 0 / 0
    nb = NaiveBayes(alpha=0.5).fit(docs, labels, 2)
    assert np.isfinite(nb.predict_proba([["good", "dull"], []])).all()


def test_predict_warns_on_texts_with_no_known_token(home, tmp_path, capsys):
    from bench.runner import predict

    results = str(tmp_path / "results")
    code, _, err = cli(
        capsys, "run", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick",
        "--results-dir", results, "--quiet",
    )  # fmt: skip
    assert code == 0, err
    texts = ["", "   ", "zzzz qqqq", "claim your FREE prize"]
    code, out, err = cli(
        capsys, "predict", "--dataset", "sms-spam", "--model", "nb", "--profile", "quick",
        "--results-dir", results, *texts,
    )  # fmt: skip
    assert code == 0 and "nan" not in out.lower()
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3
    assert "is empty" in warnings[0] and "no token the model knows" in warnings[2]
    got = predict(
        "sms-spam", "nb", texts, results_dir=tmp_path / "results", profile="quick",
        with_known_tokens=True,
    )  # fmt: skip
    assert [known for *_, known in got] == [0, 0, 0, 4]
    assert got[3][0] == "spam"
