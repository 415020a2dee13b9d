"""Every registered neural classifier on a tiny synthetic dataset, save/load, and the layers."""

from __future__ import annotations

import numpy as np
import pytest

from bench.models import MODELS

NEURAL = [name for name in MODELS if MODELS.get(name).family == "neural"]
SMALL = {"epochs": 1, "embed_dim": 16, "units": 16, "batch_size": 32, "verbose": False}
# non-default options exercised on the way (the defaults run on the sibling models)
OPTIONS = {
    "bilstm": {"pooling": "max"},
    "simple-rnn": {"pooling": "mean"},
    "cnn-lstm": {"word_dropout": 0.1},
    "lstm-attention": {"word_dropout": 0.1},
    "transformer": {"word_dropout": 0.1, "pooling": "max"},
    "gru": {"ema_momentum": 0.9},
}


def synthetic(
    n: int = 240, n_classes: int = 2, seed: int = 0
) -> tuple[list[list[str]], np.ndarray]:
    """Documents of 0-40 filler words with three class-specific words mixed in; one is empty."""
    rng = np.random.default_rng(seed)
    filler = [f"w{i}" for i in range(60)]
    labels = np.arange(n) % n_classes
    docs = []
    for y in labels:
        words = list(rng.choice(filler, int(rng.integers(0, 40)))) + [f"class{y}"] * 3
        rng.shuffle(words)
        docs.append(words)
    docs[7] = []
    return docs, labels


@pytest.fixture(scope="module")
def binary_data():
    return synthetic()


def test_all_architectures_are_registered():
    assert {
        "simple-rnn",
        "lstm",
        "gru",
        "bilstm",
        "cnn-lstm",
        "lstm-attention",
        "transformer",
        "fasttext",
    } <= set(NEURAL)


@pytest.mark.parametrize("name", NEURAL)
def test_fit_predict_save_load(name, binary_data, tmp_path):
    docs, labels = binary_data
    cls = MODELS.get(name).cls()
    model = cls(**SMALL, **OPTIONS.get(name, {})).fit(docs, labels, 2)
    proba = model.predict_proba(docs)
    assert proba.shape == (len(docs), 2) and np.allclose(proba.sum(axis=1), 1.0)
    # another batch composition (so other padding lengths) gives the same probabilities
    assert np.allclose(
        model.predict_proba([["never", "seen"]] + docs[::-1])[:0:-1], proba, atol=1e-5
    )
    assert len(model.history_) == 1
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"} <= set(model.history_[0])
    params = model.params()
    assert params["max_len"] >= 8 and params["epochs_run"] == 1 and model.n_parameters() > 0
    model.save(tmp_path)
    again = cls.load(tmp_path)
    assert np.array_equal(again.predict_proba(docs), proba)
    assert again.params() == params


def test_multiclass_uses_softmax():
    docs, labels = synthetic(n=150, n_classes=3)
    model = MODELS.get("gru").cls()(**SMALL).fit(docs, labels, 3)
    assert model.model_.output_shape == (None, 3)
    assert model.predict_proba(docs).shape == (150, 3)


def test_sequence_length_and_vocabulary_come_from_train(binary_data):
    docs, labels = binary_data
    model = (
        MODELS.get("fasttext").cls()(**SMALL, max_len_cap=20, vocab_size=30).fit(docs, labels, 2)
    )
    assert model.max_len_ == 20 and len(model.vocab_) == 30


@pytest.mark.parametrize("score", ["additive", "dot"])
def test_attention_ignores_padding(score):
    from neural.attention import AttentionPooling

    rng = np.random.default_rng(0)
    seq = rng.normal(size=(2, 5, 4)).astype("float32")
    query = rng.normal(size=(2, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    layer = AttentionPooling(score, units=3)
    out = np.asarray(layer(seq, query, sequence_mask=mask))
    seq2 = seq.copy()
    seq2[0, 3:] = 100.0  # padding content must not matter
    assert np.allclose(np.asarray(layer(seq2, query, sequence_mask=mask)), out, atol=1e-6)
    assert AttentionPooling.from_config(layer.get_config()).score == score


def test_downsample_mask_matches_same_padding_pooling():
    from neural.layers import DownsampleMask

    ids = np.array([[5, 6, 7, 8, 9, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0, 0, 0, 0]], dtype="int32")
    assert np.asarray(DownsampleMask(4)(ids)).tolist() == [
        [True, True, False],
        [True, False, False],
    ]


def test_fasttext_keys_frequent_ngrams_only():
    from neural.fasttext import FastTextClassifier, ngram_keys

    keys = ngram_keys(np.array([2, 3, 4, 2, 3]), n=3, base=10)
    assert keys.tolist() == [23, 34, 42, 23, 234, 342, 423]
    docs = [["a", "b", "c"], ["a", "b"], ["c", "a"]] * 10 + [["b", "c"]]
    model = FastTextClassifier(**SMALL, ngram_min_count=15).fit(docs, np.arange(31) % 2, 2)
    assert (
        len(model.ngram_table_) == 1
    )  # only "a b" (~18 times in the train part) is frequent enough
    encoded = model._encode([["a", "b", "c"]])[0]
    assert len(encoded) == 4 and encoded[-1] == len(model.vocab_)


def test_bucketed_batches_cover_everything_once():
    from neural.batching import plan_batches

    lengths = np.random.default_rng(1).integers(0, 300, size=1000)
    batches = plan_batches(lengths, batch_size=32, rng=np.random.default_rng(0))
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert max(len(b) for b in batches) == 32
    padded = sum(len(b) * max(lengths[b].max(), 1) for b in batches)
    assert padded < 1.3 * np.maximum(lengths, 1).sum()  # bucketing: little padding
    capped = plan_batches(lengths, batch_size=64, max_tokens=2000)
    assert all(len(b) == 1 or len(b) * lengths[b].max() <= 2000 for b in capped)


def test_token_budget_caps_epochs():
    from neural.rnn_models import LSTMClassifier

    budget = LSTMClassifier(epochs=10, max_train_tokens=1_000)
    assert (
        budget._epoch_cap(300) == 3
        and budget._epoch_cap(5_000) == 1
        and budget._epoch_cap(10) == 10
    )
    assert LSTMClassifier(epochs=4)._epoch_cap(10) == 4


def test_cosine_decay_ends_training_at_zero_learning_rate(binary_data):
    docs, labels = binary_data
    small = {**SMALL, "epochs": 5, "patience": 5}
    model = (
        MODELS.get("transformer")
        .cls()(**small, decay_epochs=2, learning_rate=0.01)
        .fit(docs, labels, 2)
    )
    assert model.params()["epochs_allowed"] == 2 and len(model.history_) == 2
    optimizer = model.model_.optimizer
    assert int(optimizer.iterations) > 0 and float(optimizer.learning_rate) == pytest.approx(
        0.0, abs=1e-9
    )
    from neural.training import cosine_decay

    schedule = cosine_decay(
        0.01, 10
    )  # half a cosine: full rate, half way at the middle, zero at the end
    assert [float(schedule(step)) for step in (0, 5, 10, 20)] == pytest.approx(
        [0.01, 0.005, 0.0, 0.0], abs=1e-9
    )
    with pytest.raises(ValueError, match="decay_epochs"):
        MODELS.get("transformer").cls()(decay_epochs=0)
    with pytest.raises(ValueError, match="pooling"):
        MODELS.get("transformer").cls()(pooling="last")


def test_sinusoidal_positions_follow_the_paper_and_save(binary_data, tmp_path):
    from neural.transformer import sinusoids

    p, i = np.arange(50)[:, None], np.arange(8)[None, :]
    angle = p / 10000 ** (2 * (i // 2) / 8)
    assert np.allclose(
        np.asarray(sinusoids(np.arange(50), 8)),
        np.where(i % 2 == 0, np.sin(angle), np.cos(angle)),
        atol=1e-5,
    )
    docs, labels = binary_data
    cls = MODELS.get("transformer").cls()
    model = cls(**SMALL, positions="sinusoidal").fit(docs, labels, 2)
    learned = cls(**SMALL).fit(docs, labels, 2)
    assert (
        learned.n_parameters() - model.n_parameters() == learned.max_len_ * 16
    )  # no position table to fit
    model.save(tmp_path)
    assert np.array_equal(cls.load(tmp_path).predict_proba(docs), model.predict_proba(docs))
    with pytest.raises(ValueError, match="positions"):
        cls(positions="rotary")


def test_long_documents_keep_head_and_tail():
    from neural.vocab import truncate

    ids = list(range(1, 21))
    assert truncate(ids, 8, head=0.25).tolist() == [1, 2, 15, 16, 17, 18, 19, 20]
    assert (
        truncate(ids, 8).tolist() == list(range(13, 21))
        and truncate(ids[:5], 8).tolist() == ids[:5]
    )


def test_word2vec_embedding_comes_from_train_and_is_loaded():
    from neural.pretrained import word2vec_matrix
    from neural.vocab import Vocabulary

    docs, labels = synthetic(n=400)
    vocab = Vocabulary(docs, 100)
    matrix, coverage = word2vec_matrix(docs, vocab, 16, seed=3, epochs=2)
    again, _ = word2vec_matrix(docs, vocab, 16, seed=3, epochs=2)
    assert matrix.shape == (len(vocab), 16) and np.array_equal(
        matrix, again
    )  # one thread: reproducible
    assert (
        not matrix[0].any() and 0.9 < coverage <= 1.0
    )  # padding row zero; every seen word covered

    model = MODELS.get("lstm-attention").cls()(**SMALL, pretrained="word2vec", pretrain_epochs=2)
    model.fit(docs, labels, 2)
    assert model.params()["pretrain_coverage"] > 0.9 and model.params()["pretrain_seconds"] > 0
    with pytest.raises(ValueError, match="pretrained"):
        MODELS.get("lstm").cls()(pretrained="glove")


@pytest.mark.parametrize("freeze", [True, False])
def test_frozen_embedding_keeps_the_word2vec_vectors(monkeypatch, freeze):
    import neural.pretrained

    made = []
    real = neural.pretrained.word2vec_matrix
    monkeypatch.setattr(
        neural.pretrained, "word2vec_matrix", lambda *a, **k: made.append(real(*a, **k)) or made[-1]
    )
    docs, labels = synthetic(n=400)
    model = MODELS.get("transformer").cls()(
        **SMALL, pretrained="word2vec", pretrain_epochs=2, freeze_embedding=freeze
    )
    model.fit(docs, labels, 2)
    table = model.model_.get_layer(index=1).tokens.embeddings.numpy()
    assert np.array_equal(table, made[0][0]) == freeze  # trained tables move, frozen ones stay
    assert model.params()["freeze_embedding"] is freeze
    with pytest.raises(ValueError, match="freeze_embedding"):
        MODELS.get("transformer").cls()(freeze_embedding=True)


def test_word_dropout_drops_whole_tokens():
    from neural.arch_config import ArchConfig
    from neural.rnn_models import build_recurrent

    model = build_recurrent(
        ArchConfig(vocab_size=50, max_len=30, n_outputs=1, embed_dim=8, word_dropout=0.5)
    )
    layer = model.get_layer("word_dropout")
    out = np.asarray(layer(np.ones((4, 30, 8), dtype="float32"), training=True))
    per_token = out.reshape(-1, 8)
    assert set(np.unique(per_token)) == {0.0, 2.0}  # kept tokens are scaled by 1 / (1 - 0.5)
    assert all(len(set(row)) == 1 for row in per_token)  # a token is dropped whole or kept whole
    assert 0.3 < (per_token[:, 0] == 0).mean() < 0.7
    assert np.array_equal(
        np.asarray(layer(np.ones((4, 30, 8), dtype="float32"), training=False)), np.ones((4, 30, 8))
    )


def test_progress_inside_an_epoch_counts_batches_against_the_total(capsys):
    from neural.training import EpochTimer

    timer = EpochTimer(1_000, every=-1.0)
    timer.set_params({"epochs": 8, "steps": 855, "verbose": 0})
    timer.on_epoch_begin(0)
    for _ in range(5):
        timer.on_train_batch_end(0)
    last = capsys.readouterr().err.splitlines()[-1].strip()
    assert last.startswith("epoch 1/8: 5 of 855 batches,") and last.endswith("left in the epoch")
    assert (
        timer.progress(100.0)
        == "epoch 1/8: 5 of 855 batches, 100s, about 4 h 43 min left in the epoch"
    )
    assert timer.progress(0.05).endswith("about 8s left in the epoch")
    timer.set_params({})  # a generator of unknown length: no total to count against
    assert timer.progress(3.0) == "epoch 1: 5 batches, 3s"


def test_progress_of_a_long_pass_says_what_is_done_and_left(capsys):
    from neural.training import Progress

    progress = Progress("scoring", 2_000_000, "tokens", every=-1.0)
    assert progress.line(5.0) == "scoring: 0 of 2,000,000 tokens, 5s"  # no pace yet
    progress.update(500_000)
    assert capsys.readouterr().err.startswith("  scoring: 500,000 of 2,000,000 tokens, ")
    assert progress.line(120.0) == "scoring: 500,000 of 2,000,000 tokens, 120s, about 6 min left"
    Progress("quiet", 10, "tokens", verbose=False, every=-1.0).update(5)
    assert capsys.readouterr().err == ""
