"""Neural language models on a toy corpus: the n-gram models' conventions, perplexity, sampling."""

from __future__ import annotations

import numpy as np
import pytest

from neural.language_models import LANGUAGE_MODELS, count_tokens

CORPUS = [s.split() for s in ("the cat sat on the mat", "the dog sat on the log", "a cat saw a dog",
                              "the cat ate", "a dog ate the mat")] * 16
SMALL = {"embed_dim": 16, "units": 32, "epochs": 25, "patience": 3, "batch_tokens": 256,
         "learning_rate": 1e-2, "min_count": 1, "verbose": False}


@pytest.fixture(scope="module")
def lstm_lm():
    return LANGUAGE_MODELS["lstm-lm"](**SMALL).fit(CORPUS)


def test_token_count_includes_end_of_sentence(lstm_lm):
    sentences = [["the", "cat"], [], ["a", "zebra", "sat"]]
    assert count_tokens(sentences) == 8
    ppl = lstm_lm.perplexity(sentences)  # the n-gram models' own perplexity function
    assert ppl.tokens == 8 and ppl.oov == 1 and np.isfinite(ppl.perplexity)
    assert ppl.perplexity == pytest.approx(np.exp(-lstm_lm.log_prob(sentences).sum() / 8))


def test_log_prob_scores_words_and_end_not_start(lstm_lm):
    sentence = ["the", "cat", "sat"]
    ids = lstm_lm._ids(sentence)  # <s> the cat sat </s>
    logits = np.asarray(lstm_lm.model_(ids[None, :-1], training=False))[0].astype(np.float64)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    manual = sum(logp[t, ids[t + 1]] for t in range(len(ids) - 1))  # 4 tokens: 3 words + </s>
    assert lstm_lm.log_prob([sentence])[0] == pytest.approx(manual, abs=1e-4)


def test_learns_the_toy_corpus_and_maps_oov_to_unk(lstm_lm):
    ppl = lstm_lm.perplexity(CORPUS[:5]).perplexity
    assert np.isfinite(ppl) and ppl < 4.0 < len(lstm_lm.vocab_)
    oov, unk = lstm_lm.log_prob([["the", "zebra"], ["the", "<unk>"]])
    assert np.isfinite(oov) and oov == pytest.approx(unk)


def test_sampling_is_reproducible_with_a_seed(lstm_lm):
    a = lstm_lm.sample(4, seed=7, temperature=0.8)
    assert a == lstm_lm.sample(4, seed=7, temperature=0.8)
    assert len(a) == 4 and all(w in lstm_lm.vocab_.stoi for s in a for w in s)
    greedy = lstm_lm.sample(1, seed=1, temperature=0.05)[0]
    assert " ".join(greedy) in {" ".join(s) for s in CORPUS}  # near-greedy: a training sentence
    assert all(len(s) <= 2 for s in lstm_lm.sample(5, seed=2, max_length=2))
    with pytest.raises(ValueError):
        lstm_lm.sample(1, seed=0, temperature=0)


def test_sentence_boundaries_inside_text_are_refused(lstm_lm):
    from baselines.ngram.vocab import NgramInputError

    with pytest.raises(NgramInputError):
        lstm_lm.log_prob([["the", "</s>", "cat"]])


@pytest.mark.parametrize("name", ["rnn-lm", "gru-lm"])
def test_other_cells_share_an_ngram_vocabulary(name):
    from baselines.ngram.vocab import Vocabulary

    shared = Vocabulary.build(CORPUS, min_count=20)  # the words an n-gram model would use
    lm = LANGUAGE_MODELS[name](**{**SMALL, "epochs": 2}, vocabulary=shared).fit(CORPUS)
    assert lm.vocab_.itos[4:] == shared.words[3:] and lm.name == name
    rare = next(w for s in CORPUS for w in s if w not in shared.words)
    assert lm.log_prob([["the", rare]])[0] == pytest.approx(lm.log_prob([["the", "<unk>"]])[0])
    assert np.isfinite(lm.perplexity(CORPUS[:5]).perplexity)
