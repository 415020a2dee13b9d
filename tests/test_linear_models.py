"""Naive Bayes, NBSVM and TF-IDF logistic regression: hand-worked numbers, selection, registry."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import scipy.sparse as sp

from baselines import bow_classifier
from baselines.features import NgramCounter, min_df_columns
from baselines.naive_bayes import NaiveBayes
from baselines.nbsvm import NBSVMClassifier, interpolate, log_count_ratio
from bench.models import get_model
from tests.fixtures import FILLER, NEG_WORDS, POS_WORDS

MODELS = ["nb", "nb-bigram", "cnb", "tfidf-lr", "nbsvm"]

# Ten documents, five words. Binarized (each word once per document), alpha = 1:
#   positive docs: good 4, fun 3, plot 2, bad 0, dull 0  -> p = [5, 4, 3, 1, 1], |p| = 14
#   negative docs: good 1, fun 0, plot 2, bad 4, dull 3  -> q = [2, 1, 3, 5, 4], |q| = 15
TOY_DOCS = [
    "good fun good",
    "good plot",
    "fun fun",
    "good",
    "plot fun good",  # positive (1)
    "bad plot",
    "bad bad dull",
    "dull plot",
    "bad",
    "good bad dull",  # negative (0)
]
TOY_LABELS = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
WORDS = ["good", "fun", "plot", "bad", "dull"]
P, Q = np.array([5, 4, 3, 1, 1]), np.array([2, 1, 3, 5, 4])


def toy():
    return [d.split() for d in TOY_DOCS], TOY_LABELS


def columns(counter: NgramCounter, words: list[str]) -> list[int]:
    names = counter.feature_names()
    return [names.index(w) for w in words]


def synthetic(n_classes: int, n_docs: int, seed: int) -> tuple[list[list[str]], np.ndarray]:
    """Documents of filler words plus three signal words of their class."""
    rng = random.Random(seed)
    signal = [POS_WORDS, NEG_WORDS, ["goal", "match", "team"], ["stock", "market", "shares"]][
        :n_classes
    ]
    labels = np.array([i % n_classes for i in range(n_docs)])
    docs = []
    for y in labels:
        words = [rng.choice(FILLER) for _ in range(8)] + [rng.choice(signal[y]) for _ in range(3)]
        rng.shuffle(words)
        docs.append(words)
    return docs, labels


# ---------------------------------------------------------------- hand-worked numbers


def test_naive_bayes_matches_hand_computation():
    docs, labels = toy()
    model = NaiveBayes(alpha=1.0).fit(docs, labels, 2)
    est = model.estimator_
    cols = columns(model.vectorizer_, WORDS)
    np.testing.assert_allclose(np.exp(est.feature_log_prob_[1, cols]), P / 14)
    np.testing.assert_allclose(np.exp(est.feature_log_prob_[0, cols]), Q / 15)
    # "good plot plot <unseen>": binarized {good, plot}; equal priors, so
    # P(pos) / P(neg) = (5/14 * 3/14) / (2/15 * 3/15) = 3375/1176
    proba = model.predict_proba(["good plot plot unseen".split()])
    np.testing.assert_allclose(proba, [[1176 / 4551, 3375 / 4551]])
    assert model.params()["alpha"] == 1.0 and model.params()["validation_accuracy"] == []


def test_log_count_ratio_matches_hand_computation():
    docs, labels = toy()
    counter = NgramCounter(1)
    x = counter.fit_transform(docs)[:, columns(counter, WORDS)]
    expected = np.log([75 / 28, 30 / 7, 15 / 14, 3 / 14, 15 / 56])  # log((p/14) / (q/15))
    np.testing.assert_allclose(log_count_ratio(x, labels == 1, 1.0), expected)
    np.testing.assert_allclose(expected, np.log(P / 14) - np.log(Q / 15))


def test_interpolation_matches_hand_computation():
    # w = [2, -1, 0, 1]: mean magnitude 1, so w' = 0.75 * 1 + 0.25 * w
    np.testing.assert_allclose(
        interpolate(np.array([2.0, -1.0, 0.0, 1.0]), 0.25), [1.25, 0.5, 0.75, 1.0]
    )


def test_nbsvm_is_an_svm_on_scaled_features_and_naive_bayes_at_beta_zero():
    from sklearn.svm import LinearSVC

    docs, labels = toy()
    x = NgramCounter(1).fit_transform(docs)
    r = log_count_ratio(x, labels == 1, 1.0)
    svm = LinearSVC(C=1.0, fit_intercept=False, max_iter=1000, random_state=0).fit(
        x @ sp.diags(r), labels
    )
    pure = NBSVMClassifier(C=1.0, beta=1.0, fit_intercept=False, max_iter=1000)
    pure.fit(x * 3, labels)  # counts are binarized
    np.testing.assert_allclose(pure.coef_[0], r * svm.coef_[0])
    np.testing.assert_allclose(pure.intercept_, [0.0])  # no intercept, as in the paper's code
    # beta = 0 leaves w̄ r: the naive Bayes direction
    nb_like = NBSVMClassifier(C=1.0, beta=0.0, fit_intercept=False, max_iter=1000).fit(x, labels)
    np.testing.assert_allclose(nb_like.coef_[0], np.abs(svm.coef_[0]).mean() * r)


def test_nbsvm_fitted_bias_is_interpolated_towards_the_log_prior_ratio():
    from sklearn.svm import LinearSVC

    docs, labels = toy()
    docs, labels = docs[:-1], labels[:-1]  # 5 positive, 4 negative documents
    x = NgramCounter(1).fit_transform(docs)
    r = log_count_ratio(x, labels == 1, 1.0)
    svm = LinearSVC(C=1.0, max_iter=1000, random_state=0).fit(x @ sp.diags(r), labels)
    model = NBSVMClassifier(C=1.0, beta=0.25, max_iter=1000).fit(
        x, labels
    )  # fits an intercept by default
    w_bar = np.abs(svm.coef_[0]).mean()
    np.testing.assert_allclose(
        model.intercept_, [0.75 * w_bar * np.log(5 / 4) + 0.25 * svm.intercept_[0]]
    )
    np.testing.assert_allclose(model.coef_[0], r * (0.75 * w_bar + 0.25 * svm.coef_[0]))


def test_nbsvm_with_logistic_regression_and_a_bad_loss():
    docs, labels = synthetic(3, 90, seed=7)
    x = NgramCounter(2).fit_transform(docs)
    model = NBSVMClassifier(loss="lr").fit(x, labels)
    assert model.coef_.shape == (3, x.shape[1]) and (model.predict(x) == labels).mean() > 0.95
    with pytest.raises(ValueError, match="loss"):
        NBSVMClassifier(loss="hinge").fit(x, labels)


# ---------------------------------------------------------------- counting


@pytest.mark.parametrize("ngram", [1, 2, 3])
@pytest.mark.parametrize("binary", [True, False])
def test_ngram_counter_equals_count_vectorizer(ngram, binary):
    from sklearn.feature_extraction.text import CountVectorizer

    docs, _ = toy()
    docs = docs + [["good", "good", "good", "fun"], []]

    def analyzer(doc):
        return [
            " ".join(doc[i : i + k]) for k in range(1, ngram + 1) for i in range(len(doc) - k + 1)
        ]

    counter, vec = (
        NgramCounter(ngram, binary=binary),
        CountVectorizer(analyzer=analyzer, binary=binary),
    )
    ours, theirs = counter.fit_transform(docs), vec.fit_transform(docs)
    order = [vec.vocabulary_[f] for f in counter.feature_names()]
    assert ours.shape == theirs.shape and (ours != theirs[:, order]).nnz == 0
    new = [["fun", "bad", "never", "seen", "good"], ["seen"]]
    assert (counter.transform(new) != vec.transform(new)[:, order]).nnz == 0


def test_ngrams_never_span_documents():
    counter = NgramCounter(2)
    counter.fit_transform([["a", "b"], ["c", "d"]])
    assert counter.feature_names() == ["a", "b", "c", "d", "a b", "c d"]


def test_min_df_columns_equal_counting_the_training_part_alone():
    docs, _ = synthetic(2, 40, seed=1)
    part = list(range(0, 40, 3))
    full = NgramCounter(2)
    x = full.fit_transform(docs)[part]
    alone = NgramCounter(2)
    y = alone.fit_transform([docs[i] for i in part])
    for min_df in (1, 2):
        keep = min_df_columns(x, min_df)
        names = np.array(full.feature_names())[keep]
        df = np.asarray((y > 0).sum(axis=0)).ravel()
        assert set(names) == set(np.array(alone.feature_names())[df >= min_df])
        order = [alone.feature_names().index(n) for n in names]
        assert (x[:, keep] != y[:, order]).nnz == 0


# ---------------------------------------------------------------- every model


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_model_learns_a_separable_signal(name, n_classes):
    docs, labels = synthetic(n_classes, 120, seed=0)
    test_docs, test_labels = synthetic(n_classes, 60, seed=1)
    model = get_model(name).cls()(seed=0).fit(docs, labels, n_classes)
    proba = model.predict_proba(test_docs)
    assert proba.shape == (60, n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == test_labels).mean() >= 0.95
    # one weight per feature and one bias (or prior) per class; the linear models fit a single
    # one-vs-rest model when there are two classes
    rows = 1 if name in ("tfidf-lr", "nbsvm") and n_classes == 2 else n_classes
    assert model.n_parameters() == rows * (model.params()["vocabulary_size"] + 1)
    json.dumps(model.params())  # recorded in the run's result file


@pytest.mark.parametrize("name", MODELS)
def test_class_absent_from_train_gets_probability_zero(name):
    docs, labels = synthetic(3, 60, seed=2)
    model = get_model(name).cls()(seed=0).fit(docs, labels, 4)
    proba = model.predict_proba(docs[:5] + [[]])
    assert proba.shape == (6, 4) and (proba[:, 3] == 0).all()
    assert model.predict_proba([]).shape == (0, 4)


# ---------------------------------------------------------------- hyperparameter selection


@pytest.mark.parametrize("name", MODELS)
def test_hyperparameters_are_chosen_on_a_validation_split_of_train(name, monkeypatch):
    docs, labels = synthetic(2, 80, seed=3)
    splits, fits = [], []
    real_folds = bow_classifier.validation_folds

    def spy_folds(y, folds, fraction, seed, groups=None):
        out = real_folds(y, folds, fraction, seed, groups)
        splits.extend(out)
        return out

    monkeypatch.setattr(bow_classifier, "validation_folds", spy_folds)
    model = get_model(name).cls()(seed=0)
    real_estimator = model._estimator

    def spy_estimator(**values):
        est = real_estimator(**values)
        real_fit = est.fit
        est.fit = lambda x, y: fits.append(x.shape[0]) or real_fit(x, y)
        return est

    monkeypatch.setattr(model, "_estimator", spy_estimator)
    model.fit(docs, labels, 2)
    params = model.params()

    assert (
        len(splits) == params["validation_folds"]
    )  # naive Bayes: 5 folds, the linear models: 1 split
    for tr, va in splits:
        assert len(np.intersect1d(tr, va)) == 0 and sorted(np.r_[tr, va]) == list(range(80))
    if len(splits) > 1:  # k-fold: every document validates exactly once
        assert sorted(np.concatenate([va for _, va in splits])) == list(range(80))
    grid = params["validation_accuracy"]
    # candidates on each training part, then one refit on all of train
    assert len(grid) > 1 and fits == [len(tr) for tr, _ in splits for _ in grid] + [80]
    best = max(grid, key=lambda g: g["accuracy"])
    tried = [k[: -len("s_tried")] for k in params if k.endswith("s_tried")]
    assert tried and all(params[k] == best[k] for k in tried)
    assert all(params[k] in params[f"{k}s_tried"] for k in tried)
    before = json.dumps(params)
    model.predict_proba(synthetic(2, 10, seed=4)[0])
    assert json.dumps(model.params()) == before  # predicting (test data) changes nothing chosen


def test_choice_follows_validation_scores(monkeypatch):
    docs, labels = synthetic(2, 60, seed=5)
    model = NaiveBayes(alphas=(0.1, 1.0, 4.0))

    def scores(counts, y, grid, groups=None):
        return [{**g, "accuracy": 1.0 if g["alpha"] == 4.0 else 0.5} for g in grid]

    monkeypatch.setattr(model, "_score_on_validation", scores)
    assert model.fit(docs, labels, 2).params()["alpha"] == 4.0
    assert model.estimator_.alpha == 4.0


def test_fixed_values_skip_selection():
    docs, labels = synthetic(2, 40, seed=6)
    model = get_model("nbsvm").cls()(C=0.5, beta=0.25, min_df=1).fit(docs, labels, 2)
    assert model.params()["validation_accuracy"] == [] and model.params()["C"] == 0.5


# ---------------------------------------------------------------- through the runner


@pytest.mark.parametrize("name", MODELS)
def test_runner_records_chosen_values(name, tiny_home):
    from bench.runner import make_config, run

    result = run(make_config("sms-spam", name, profile="quick"), quiet=True)
    assert result.accuracy >= 0.9 and result.n_parameters > 0
    assert result.model_params["validation_accuracy"] and "vocabulary_size" in result.model_params


# ---------------------------------------------------------------- tiny or odd inputs


@pytest.mark.parametrize("name", MODELS)
def test_a_training_set_of_three_documents_fits(name):
    # a validation part of one document leaves a training part of one class: scored, not fitted
    docs, labels = synthetic(2, 3, seed=5)
    model = get_model(name).cls()(seed=3).fit(docs, labels, 2)  # seed 3: validation holds the 1
    np.testing.assert_allclose(model.predict_proba(docs).sum(axis=1), 1.0)


@pytest.mark.parametrize("name", MODELS)
def test_a_min_df_no_ngram_reaches_is_one_clear_error(name):
    from bench.errors import BenchError

    docs, labels = synthetic(2, 40, seed=6)
    with pytest.raises(BenchError, match="min_df 41 keeps no n-gram: none occurs in more than"):
        get_model(name).cls()(seed=0, min_df=41).fit(docs, labels, 2)


@pytest.mark.parametrize("name", [*MODELS, "ngram-lm-clf"])
def test_known_tokens_count_the_training_vocabulary(name):
    docs, labels = synthetic(2, 40, seed=7)
    model = get_model(name).cls()(seed=0).fit(docs, labels, 2)
    queries = [[], ["zzz", "qqq"], ["the", "zzz", "movie"]]
    assert model.known_token_count(queries).tolist() == [0, 0, 2]
