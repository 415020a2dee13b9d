"""Neural language models on a toy corpus: the n-gram models' conventions, perplexity, sampling."""

from __future__ import annotations

import numpy as np
import pytest

from neural.batching import stream_windows
from neural.language_models import GRULM, LSTMLM, RNNLM, count_tokens

LANGUAGE_MODELS = {"rnn-lm": RNNLM, "lstm-lm": LSTMLM, "gru-lm": GRULM}

CORPUS = [
    s.split()
    for s in (
        "the cat sat on the mat",
        "the dog sat on the log",
        "a cat saw a dog",
        "the cat ate",
        "a dog ate the mat",
    )
] * 16
SMALL = {
    "embed_dim": 16,
    "units": 32,
    "epochs": 25,
    "patience": 3,
    "batch_size": 4,
    "seq_len": 16,
    "batch_tokens": 256,
    "dropout": 0.1,
    "learning_rate": 1e-2,
    "min_count": 1,
    "verbose": False,
}


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
    from core.scoring import LMInputError

    with pytest.raises(LMInputError):
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


@pytest.mark.parametrize("rows, seq_len", [(1, 5), (3, 4), (4, 64)])
def test_stream_windows_score_every_token_once(rows, seq_len):
    rng = np.random.default_rng(0)
    bos, eos = 2, 3
    seqs = [
        np.array([bos, *rng.integers(4, 50, size=n), eos], dtype=np.int32) for n in (0, 1, 5, 12, 3)
    ]
    x, y, w = stream_windows(seqs, rows=rows, seq_len=seq_len, eos_id=eos, rng=rng)
    assert x.shape == y.shape == w.shape and x.shape[1:] == (rows, seq_len)
    flat = [a.transpose(1, 0, 2).reshape(-1) for a in (x, y, w)]  # back to stream order
    xs, ys, ws = flat[0], flat[1], flat[2].astype(bool)
    n = sum(len(s) for s in seqs) - 1  # stream positions before the padding
    assert np.all(ys[: n - 1] == xs[1:n]) and not np.any(
        ws[n:]
    )  # one stream: a target is the next input
    assert ws.sum() == count_tokens(
        [list(s[1:-1]) for s in seqs]
    )  # every word and every </s>, once
    assert (ys[ws] == eos).sum() == len(seqs) and not np.any(ys[ws] == bos)
    assert sorted(ys[ws].tolist()) == sorted(np.concatenate([s[1:] for s in seqs]).tolist())
    assert len(xs) - ws.sum() < rows * seq_len + len(seqs)  # padding fills the last window only


def test_tied_model_saves_and_loads(lstm_lm, tmp_path):
    import keras

    path = tmp_path / "lm.keras"
    lstm_lm.model_.save(path)
    loaded = keras.models.load_model(path)
    ids = lstm_lm._ids(["the", "cat", "sat"])[None, :-1]
    assert np.allclose(loaded(ids), lstm_lm.model_(ids), atol=1e-5)
    untied = LANGUAGE_MODELS["lstm-lm"](**{**SMALL, "epochs": 1, "tie_weights": False}).fit(
        CORPUS[:10]
    )
    vocab, dim = len(lstm_lm.vocab_), SMALL["embed_dim"]
    assert (
        untied.n_parameters() - lstm_lm.n_parameters()
        == vocab * SMALL["units"] - SMALL["units"] * dim - dim
    )


@pytest.mark.parametrize(
    "settings",
    [{}, {"epochs": 1, "tie_weights": False, "carry_state": True, "recurrent_dropout": 0.2}],
)
def test_saved_model_scores_and_samples_as_the_fitted_one(lstm_lm, settings, tmp_path):
    lm = (
        lstm_lm
        if not settings
        else LANGUAGE_MODELS["gru-lm"](**{**SMALL, **settings}).fit(CORPUS[:10])
    )
    lm.save(tmp_path / "lm")
    loaded = type(lm).load(tmp_path / "lm")
    test = [["the", "cat", "sat", "on", "a", "log"], ["a", "zebra", "ate"]]
    assert np.allclose(loaded.log_prob(test), lm.log_prob(test), atol=1e-5)
    assert loaded.sample(3, seed=4, max_length=8) == lm.sample(3, seed=4, max_length=8)
    assert loaded.params() == lm.params() and loaded.history_ == lm.history_
    assert loaded.n_parameters() == lm.n_parameters()


@pytest.mark.parametrize(
    "sampled, tied, carry, ema",
    [
        (None, True, False, None),
        (6, True, False, None),
        (6, False, False, None),
        (None, False, True, None),
        (6, True, True, None),
        (None, True, False, 0.9),
        (6, True, True, 0.9),
    ],
)
def test_validation_loss_is_the_exact_per_token_loss(sampled, tied, carry, ema):
    """Early stopping reads the full-softmax loss per validation token, whatever trains the output
    layer: exp(best val_loss) is the kept model's perplexity on the validation sentences. With
    weight averaging the kept and validated weights are the averaged ones, not the last iterate."""
    params = {
        **SMALL,
        "epochs": 6,
        "validation_fraction": 0.2,
        "sampled_softmax": sampled,
        "tie_weights": tied,
        "carry_state": carry,
        "ema_momentum": ema,
    }
    lm = LANGUAGE_MODELS["lstm-lm"](**params).fit(CORPUS)
    order = np.random.default_rng(SMALL.get("seed", 0)).permutation(len(CORPUS))  # fit()'s split
    val = [CORPUS[i] for i in order[: round(0.2 * len(CORPUS))]]
    best = min(r["val_loss"] for r in lm.history_)
    assert lm.perplexity(val).perplexity == pytest.approx(np.exp(best), rel=1e-4)
    assert lm.params()["sampled_softmax"] == sampled
    assert lm.params()["ema_momentum"] == ema


@pytest.mark.parametrize("carry", [False, True])
def test_sampled_softmax_learns_the_toy_corpus(carry):
    lm = LANGUAGE_MODELS["lstm-lm"](**SMALL, sampled_softmax=4, carry_state=carry).fit(CORPUS)
    assert len(lm.vocab_) > 12  # 4 sampled words per batch: far from the whole vocabulary
    assert lm.perplexity(CORPUS[:5]).perplexity < 4.0 < len(lm.vocab_)


@pytest.mark.parametrize("name", ["lstm-lm", "gru-lm"])
def test_carried_state_continues_each_row_across_batches(name):
    """With ``carry_state`` training reads a row's windows as one sequence: two consecutive
    windows give the vectors that the whole row gives read at once, until the trainer resets."""
    from neural.lm_training import LMTrainer

    params = {**SMALL, "epochs": 1, "dropout": 0.0, "embed_dropout": 0.0, "carry_state": True}
    lm = LANGUAGE_MODELS[name](**params).fit(CORPUS[:20])
    ids = np.stack(
        [np.concatenate([lm._ids(CORPUS[i])[:-1] for i in row]) for row in ([0, 1, 2], [1, 0, 2])]
    )
    ids[:, 0] = ids[:, 1]  # no <s> at the start: the state at the window boundary matters
    whole = np.asarray(lm.hidden_(ids, training=False))
    trainer = LMTrainer(
        lm.model_, lm.hidden_, lm.output_weights_, stateful_hidden=lm.stateful_hidden_, batch_size=2
    )
    cut = 5  # inside the first sentence
    first, second = (
        np.asarray(trainer._hidden(part, True)) for part in (ids[:, :cut], ids[:, cut:])
    )
    assert np.allclose(np.concatenate([first, second], axis=1), whole, atol=1e-5)
    trainer.reset_states()
    assert not np.allclose(
        np.asarray(trainer._hidden(ids[:, cut:], True)), whole[:, cut:], atol=1e-3
    )
    assert lm.params()["carry_state"] is True


def test_recurrent_dropout_masks_are_drawn_per_batch_and_saved():
    import keras

    lm = LANGUAGE_MODELS["lstm-lm"](**{**SMALL, "epochs": 1, "recurrent_dropout": 0.5}).fit(
        CORPUS[:20]
    )
    ids = np.stack([lm._ids(["the", "cat", "sat", "on"])[:-1]] * 3)
    rnn = keras.Model(lm.model_.inputs, lm.model_.get_layer("lstm").output[0])
    a, b = np.asarray(rnn(ids, training=True)), np.asarray(rnn(ids, training=True))
    assert not np.allclose(a, b)  # a fresh mask for every batch ...
    assert not np.allclose(a[0], a[1])  # ... and row
    assert np.allclose(rnn(ids, training=False), rnn(ids, training=False))
    assert lm.model_.get_layer("lstm").cell.cell.recurrent_dropout == 0.5
    assert np.isfinite(lm.perplexity(CORPUS[:5]).perplexity)


def test_scoring_in_blocks_matches_the_whole_softmax(lstm_lm, monkeypatch):
    """Long documents are scored a block of positions at a time; the blocks change nothing."""
    import neural.lm_training as training

    sentences = CORPUS[:7] + [["the", "cat"] * 40]
    whole = lstm_lm.log_prob(sentences)  # the toy vocabulary: one block
    monkeypatch.setattr(
        training, "SCORE_CHUNK_LOGITS", 3 * len(lstm_lm.vocab_)
    )  # 3 positions a block
    lstm_lm._score_fn = None
    try:
        blocked = lstm_lm.log_prob(sentences)
    finally:
        lstm_lm._score_fn = None
    assert np.allclose(blocked, whole, atol=1e-4) and np.all(np.isfinite(blocked))


def test_averaged_weights_are_validated_and_kept():
    """``ValidateAveragedWeights``: validation sees the optimizer's moving average of the weights,
    early stopping keeps it, and training goes on from the raw iterate, undisturbed."""
    import keras

    from neural.training import ValidateAveragedWeights, adam, early_stopping

    rng = np.random.default_rng(0)
    x, xv = rng.normal(size=(64, 3)), rng.normal(size=(32, 3))
    w = np.array([[1.0], [-2.0], [0.5]])
    y, yv = x @ w + 0.3 * rng.normal(size=(64, 1)), xv @ w

    def fit(ema):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer=adam(0.05, None, ema_momentum=ema), loss="mse")
        callbacks = [early_stopping(8)] + ([ValidateAveragedWeights()] if ema else [])
        history = model.fit(
            x,
            y,
            validation_data=(xv, yv),
            epochs=8,
            batch_size=8,
            verbose=0,
            shuffle=False,
            callbacks=callbacks[::-1],
        )
        return model, history.history

    plain, plain_history = fit(None)
    averaged, history = fit(0.9)
    assert np.allclose(
        history["loss"], plain_history["loss"], rtol=1e-5
    )  # the same raw iterates trained
    assert not np.allclose(
        history["val_loss"], plain_history["val_loss"], rtol=1e-3
    )  # averages validated
    assert averaged.evaluate(xv, yv, verbose=0) == pytest.approx(min(history["val_loss"]), rel=1e-5)
    with pytest.raises(ValueError, match="ema_momentum"):
        LANGUAGE_MODELS["lstm-lm"](ema_momentum=1.0)


def test_cosine_decay_ends_training_with_a_zero_learning_rate(monkeypatch):
    """``decay_epochs`` stops training after that many epochs, whatever ``epochs`` allows, with the
    learning rate fallen to zero over exactly the updates run; without it, the rate stays put."""
    import neural.training as training

    made = []
    adam = training.adam
    monkeypatch.setattr(training, "adam", lambda *a, **k: made.append(adam(*a, **k)) or made[-1])
    params = {**SMALL, "epochs": 5, "patience": 5, "sampled_softmax": 6}
    lm = LANGUAGE_MODELS["lstm-lm"](**params, decay_epochs=3).fit(CORPUS)
    train = [lm._ids(CORPUS[i]) for i in lm.split(len(CORPUS))[0]]
    steps = int(lm._stream(train, np.random.default_rng(0)).cardinality())
    assert len(lm.history_) == 3 and lm.params()["decay_epochs"] == 3
    assert int(made[-1].iterations) == 3 * steps
    assert float(made[-1].learning_rate) == pytest.approx(0.0, abs=1e-9)
    LANGUAGE_MODELS["lstm-lm"](**{**params, "epochs": 1, "lr_decay": None}).fit(CORPUS)
    assert float(made[-1].learning_rate) == pytest.approx(SMALL["learning_rate"])
    with pytest.raises(ValueError, match="decay_epochs"):
        LANGUAGE_MODELS["lstm-lm"](decay_epochs=0)
