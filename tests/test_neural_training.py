"""The one training loop of the neural models (``neural.training.train``) and their settings read
from constructor signatures (``neural.settings``)."""

from __future__ import annotations

import numpy as np
import pytest

TIMINGS = ("seconds", "train_seconds", "train_docs_per_s", "train_tokens_per_s")


def untimed(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in record.items() if k not in TIMINGS} for record in history]


def regression_data():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, xv = rng.normal(size=(64, 3)), rng.normal(size=(32, 3))
    w = np.array([[1.0], [-2.0], [0.5]])
    y, yv = x @ w + 0.3 * rng.normal(size=(64, 1)), xv @ w

    def dataset(a, b, batch):
        pairs = (a.astype("float32"), b.astype("float32"))
        return tf.data.Dataset.from_tensor_slices(pairs).batch(batch)

    return dataset(x, y, 8), dataset(xv, yv, 32)


def dense_model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])


def test_the_shared_loop_is_keras_fit_with_its_callbacks_in_order():
    """``train`` is ``compile`` with :func:`adam` and ``fit`` with, in this order, the plateau
    reduction, validation of the averaged weights, early stopping and the epoch timer: written out
    by hand, the same epochs, the same history and the same kept weights."""
    import keras

    from neural.training import (
        EpochTimer,
        TrainingSettings,
        ValidateAveragedWeights,
        adam,
        early_stopping,
        train,
    )

    data, val = regression_data()
    settings = TrainingSettings(
        epochs=30,
        patience=2,
        learning_rate=0.3,
        clipnorm=1.0,
        ema_momentum=0.5,
        plateau_factor=0.5,
        verbose=False,
    )
    shared = dense_model()
    outcome = train(shared, data, val, settings, n_train=64, compile_args={"loss": "mse"})
    by_hand = dense_model()
    by_hand.compile(optimizer=adam(0.3, 1.0, 0.5), loss="mse")
    timer = EpochTimer(64, verbose=False)
    by_hand.fit(
        data,
        validation_data=val,
        epochs=30,
        verbose=0,
        shuffle=False,
        callbacks=[
            keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=0),
            ValidateAveragedWeights(),
            early_stopping(2),
            timer,
        ],
    )
    assert untimed(outcome.history) == untimed(timer.records)
    assert all(np.array_equal(a, b) for a, b in zip(shared.get_weights(), by_hand.get_weights()))
    rates = [r["learning_rate"] for r in outcome.history]
    assert len(outcome.history) < 30 and min(rates) < 0.3  # it stopped early and cut the rate
    assert outcome.best_epoch == 1 + int(np.argmin([r["val_loss"] for r in outcome.history]))
    assert outcome.seconds_per_epoch > 0 and outcome.items_per_s > 0


def test_a_cosine_schedule_ends_at_zero_and_replaces_the_plateau_cut():
    from neural.training import TrainingSettings, train

    data, val = regression_data()
    settings = TrainingSettings(
        epochs=3,
        patience=5,
        learning_rate=0.1,
        cosine=True,
        plateau_factor=0.5,
        unit="rows",
        verbose=False,
    )
    model = dense_model()
    outcome = train(model, data, val, settings, n_train=64, compile_args={"loss": "mse"})
    assert len(outcome.history) == 3 and "learning_rate" not in outcome.history[0]
    assert "train_rows_per_s" in outcome.history[0]
    assert int(model.optimizer.iterations) == 3 * 8
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="ema_momentum"):
        TrainingSettings(epochs=1, patience=1, learning_rate=0.1, ema_momentum=1.5)


def test_settings_come_from_the_constructors_signatures():
    """Every keyword argument of a model's constructors is a setting: reported, saved and loaded
    without a list kept by hand (a subclass's own first, then its bases')."""
    import inspect

    from neural.fasttext import FastTextClassifier
    from neural.language_models import LSTMLM, RecurrentLM
    from neural.settings import setting_names

    assert setting_names(LSTMLM) == list(inspect.signature(RecurrentLM.__init__).parameters)[1:]
    names = setting_names(FastTextClassifier)
    assert names[:3] == ["ngrams", "ngram_vocab_size", "ngram_min_count"] and "kwargs" not in names
    assert {"seed", "ema_momentum", "verbose"} <= set(names) and len(names) == len(set(names))

    class WiderLM(LSTMLM):
        def __init__(self, *, extra_layers: int = 0, **kwargs):
            super().__init__(**kwargs)
            self.extra_layers = extra_layers

    params = WiderLM(units=8, extra_layers=2).get_params()
    assert params["extra_layers"] == 2 and params["units"] == 8 and params["lr_decay"] == 0.5


# Recorded before the two models' training loops became one (``neural.training.train``), and
# again when a run's numerics were fixed (one thread, oneDNN's AVX kernels: tests/conftest.py sets
# them for every test): a refactor must leave them as they are. The tolerance only absorbs a
# rounding that those fixed numerics do not cover (re-record if that is all that differs).
LSTM_VAL_LOSS = [0.18958882987499237, 0.023853687569499016, 0.06250885874032974]
LSTM_PROBA = [
    0.0010846364311873913,
    0.9747329950332642,
    0.0004997150972485542,
    0.9385912418365479,
    0.0005885506980121136,
    0.953266441822052,
]
LM_VAL_LOSS = [
    1.7905163764953613,
    0.7564769387245178,
    0.49070847034454346,
    0.30330008268356323,
    0.2796150743961334,
    0.2960629463195801,
    0.29914000630378723,
]
LM_LOSS = [
    2.3141841888427734,
    1.496171474456787,
    0.7314585447311401,
    0.5649078488349915,
    0.42108312249183655,
    0.442402720451355,
    0.38796666264533997,
]
LM_LOG_PROB = [-12.79977041715756, -29.116890490055084]


def test_a_classifier_trains_as_it_did_before_the_shared_loop():
    """Early stopping after the third epoch keeps the second epoch's weights."""
    from neural.rnn_models import LSTMClassifier
    from tests.test_neural_models import synthetic

    docs, labels = synthetic()
    model = LSTMClassifier(
        epochs=12,
        embed_dim=16,
        units=16,
        batch_size=32,
        patience=1,
        learning_rate=0.05,
        verbose=False,
    ).fit(docs, labels, 2)
    assert [r["val_loss"] for r in model.history_] == pytest.approx(LSTM_VAL_LOSS, rel=1e-5)
    assert model.best_epoch_ == 2
    assert model.predict_proba(docs[:6])[:, 1] == pytest.approx(LSTM_PROBA, rel=1e-5, abs=1e-7)


def test_a_language_model_trains_as_it_did_before_the_shared_loop():
    """The learning rate halves after the sixth epoch, which does not improve on the fifth;
    early stopping after the seventh keeps the fifth's weights."""
    from neural.language_models import LSTMLM
    from tests.test_neural_lm import CORPUS, SMALL

    lm = LSTMLM(
        **{
            **SMALL,
            "epochs": 12,
            "patience": 2,
            "learning_rate": 0.05,
            "dropout": 0.0,
            "embed_dropout": 0.0,
        }
    ).fit(CORPUS)
    assert [r["val_loss"] for r in lm.history_] == pytest.approx(LM_VAL_LOSS, rel=1e-5)
    assert [r["loss"] for r in lm.history_] == pytest.approx(LM_LOSS, rel=1e-5)
    assert [r["learning_rate"] for r in lm.history_] == pytest.approx([0.05] * 6 + [0.025])
    assert lm.best_epoch_ == 5 and lm.params()["epochs_run"] == 7
    test = [["the", "cat", "sat", "on", "a", "log"], ["a", "zebra", "ate"]]
    assert lm.log_prob(test) == pytest.approx(LM_LOG_PROB, rel=1e-5)
