"""kNN-LM (Khandelwal et al. 2020) over a toy LSTM LM: the vote, normalisation, the memory's effect,
the inverted-file index against exact search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neural.knn_lm import KNNLM, knn_log_probs, mix
from neural.language_models import LSTMLM
from tests.test_neural_lm import CORPUS, SMALL

# repeated sentences of random words: a 32-unit LSTM trained briefly does not memorise them
RNG = np.random.default_rng(3)
WORDS = [f"w{i}" for i in range(40)]
REPEATS = [list(RNG.choice(WORDS, size=12)) for _ in range(6)]
MEMORY_CORPUS = CORPUS + REPEATS * 8


@pytest.fixture(scope="module")
def lm():
    return LSTMLM(**{**SMALL, "epochs": 3}).fit(MEMORY_CORPUS)


@pytest.fixture(scope="module")
def knn(lm):
    return KNNLM(lm, k=16, ks=(4, 16), verbose=False).fit(MEMORY_CORPUS)


def test_vote_weights_neighbours_by_distance():
    dist = np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 9.0]])
    nb = np.array([[0, 1, 2], [2, -1, 1]])  # -1: no neighbour found
    values = np.array([5, 6, 5])
    got = knn_log_probs(dist, nb, values, np.array([5, 6]), temperature=1.0)
    w = np.exp(-dist[0])
    assert got[0] == pytest.approx(math.log((w[0] + w[2]) / w.sum()))
    assert got[1] == pytest.approx(math.log(math.exp(-9) / (math.exp(-1) + math.exp(-9))))
    assert knn_log_probs(dist, nb, values, np.array([7, 7]), 1.0).tolist() == [-np.inf, -np.inf]
    assert mix(np.log([0.5]), np.array([-np.inf]), 0.2)[0] == pytest.approx(math.log(0.4))


def test_memory_is_chosen_on_validation_and_lowers_perplexity_of_repeated_text(lm, knn):
    assert knn.lambda_ > 0 and knn.validation_nll_ < knn.validation_nll_lm_
    assert knn.index_kind_ == "exact" and len(knn.values_) == sum(
        len(MEMORY_CORPUS[i]) + 1 for i in lm.split(len(MEMORY_CORPUS))[0]
    )
    assert knn.perplexity(REPEATS).perplexity < 0.8 * lm.perplexity(REPEATS).perplexity
    assert knn.name == "lstm-knn-lm" and knn.params()["chosen_lambda"] == knn.lambda_


def test_mixture_is_normalised_over_the_vocabulary(lm, knn):
    # every continuation of "<s> w3": each word, </s> and an out-of-vocabulary word (<unk>)
    words = [w for w in lm.vocab_.itos if w not in ("<pad>", "<unk>", "<s>", "</s>")]
    sentences = [["w3", w] for w in words] + [["w3"], ["w3", "never-seen"]]
    last = [1] * len(words) + [1, 1]  # the scored position of each continuation

    def total(model):
        scores = model.token_scores(sentences)
        return sum(
            math.exp(scores.log_probs[start + i]) for start, i in zip(scores.sentence_starts, last)
        )

    lm_total = total(lm)  # below 1 by what the LM's softmax puts on <pad> and <s>
    assert total(knn) == pytest.approx((1 - knn.lambda_) * lm_total + knn.lambda_, abs=1e-6)


def test_inverted_file_index_searching_every_cell_is_exact(lm, knn):
    ivf = KNNLM(lm, k=16, ks=(4, 16), exact_below=0, nlist=4, nprobe=4, verbose=False).fit(
        MEMORY_CORPUS
    )
    assert ivf.index_kind_.startswith("ivf4")
    assert (ivf.lambda_, ivf.k_) == (knn.lambda_, knn.k_)
    assert ivf.perplexity(REPEATS).perplexity == pytest.approx(
        knn.perplexity(REPEATS).perplexity, rel=1e-5
    )
    # the inverted file also stores an int64 id per key and the 4 cells' centroids
    n, d = len(knn.values_), knn.index_.d
    assert knn.datastore_bytes() == n * d * 4 + knn.values_.nbytes
    assert ivf.datastore_bytes() == knn.datastore_bytes() + n * 8 + 4 * d * 4


def test_the_lms_own_scores_can_be_mixed_in_instead_of_recomputed(lm, knn):
    own = lm.token_scores(REPEATS).log_probs  # the LM's scoring path, not its vectors' softmax
    given, computed = knn.token_scores(REPEATS, lm_log_probs=own), knn.token_scores(REPEATS)
    np.testing.assert_allclose(given.log_probs, computed.log_probs, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="log-probabilities given"):
        knn.token_scores(REPEATS, lm_log_probs=own[:-1])


def test_model_size_is_the_lms_weights_plus_the_datastore(lm, knn):
    assert lm.model_bytes() == 4 * lm.n_parameters()  # float32 weights, nothing else
    assert knn.model_bytes() == lm.model_bytes() + knn.datastore_bytes()
    assert knn.n_parameters() == lm.n_parameters()


def test_bad_settings_are_refused(lm):
    with pytest.raises(ValueError, match="k and nprobe"):
        KNNLM(lm, k=0)
    with pytest.raises(ValueError, match="mixture weight"):
        KNNLM(lm, lambdas=(0.5, 1.0))
