"""The suite's default IMDB ``lstm`` training against a bare ``keras.Model.fit`` of the same net.

The suite's path is the registered ``lstm`` with the default profile's IMDB parameters (vocabulary
20,000, 64-dim embeddings, 64 units, batches of 128, at most 200 tokens), one epoch on a
stratified slice of 2,000 reviews: its own validation split, length-bucketed ``tf.data`` batches
and callbacks. The bare path builds the same layers (Embedding with padding masked, Dropout,
LSTM, Dropout, Dense) with the same optimizer settings and calls ``fit`` once on the suite's own
token ids of the same training documents, padded to the suite's length. Both epochs include
Keras's tracing of the training step. ``extra_info``: each path's training documents per second
and ``ratio`` (suite / bare; 1 means no overhead); the suite's whole ``fit`` (vocabulary,
encoding, validation) is reported too.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.benchmarks.real_slices import tokenized_slice

pytestmark = pytest.mark.realdata
N_TRAIN = 2_000


def bare_lstm(vocab_size: int, p: dict):
    """The suite's ``lstm`` architecture (``neural.rnn_models.build_recurrent``) in plain Keras."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, p["embed_dim"], mask_zero=True)(inputs)
    x = layers.Dropout(p.get("dropout", 0.2))(x)
    x = layers.LSTM(p["units"])(x)
    x = layers.Dropout(p.get("dropout", 0.2))(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(
        optimizer=keras.optimizers.Adam(p["learning_rate"], clipnorm=p.get("clipnorm", 1.0)),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


@pytest.mark.benchmark(group="kernel-overhead")
def test_lstm_through_the_suite_vs_bare_fit(benchmark):
    train_docs, train_y, *_ = tokenized_slice("imdb", N_TRAIN, 10)
    pytest.importorskip("tensorflow")
    import keras

    from bench.models import get_model
    from bench.profiles import get_profile

    params = {**get_profile("default").params_for("lstm", "imdb"), "epochs": 1, "verbose": False}
    model = get_model("lstm").cls()(seed=0, **params)
    benchmark.pedantic(model.fit, args=(train_docs, train_y, 2), rounds=1, iterations=1)
    fit_s = benchmark.stats.stats.mean

    # the suite's token ids of the documents it trained on, padded to its length
    from core.validation import validation_split

    tr, _ = validation_split(train_y, model.validation_fraction, model.seed, None)
    seqs = model._encode([train_docs[i] for i in tr])
    x = np.zeros((len(seqs), model.max_len_), dtype="int32")
    for row, seq in zip(x, seqs):
        row[: len(seq)] = seq
    y = train_y[tr].astype("float32")
    keras.utils.set_random_seed(0)  # the suite's fit fixed the process's threads and kernels
    bare = bare_lstm(len(model.vocab_), params)
    t0 = time.perf_counter()
    bare.fit(x, y, batch_size=params["batch_size"], epochs=1, shuffle=True, verbose=0)
    bare_s = time.perf_counter() - t0

    assert bare.count_params() == model.n_parameters()  # the same network
    bare_docs_per_s = len(tr) / bare_s
    benchmark.extra_info.update(
        train_docs=len(tr),
        max_len=model.max_len_,
        suite_train_docs_per_s=model.train_docs_per_s_,
        suite_fit_docs_per_s=N_TRAIN / fit_s,
        bare_fit_docs_per_s=bare_docs_per_s,
        ratio=model.train_docs_per_s_ / bare_docs_per_s,
        numerics=model.numerics_,
    )
