"""Prediction latency of a small trained LSTM at batch 1 (one request) and batch 512 (bulk).

The model is the registered ``lstm`` trained for one epoch on 2,000 IMDB reviews: its weights
barely matter for latency, its shapes do (vocabulary 10,000, 32-dim embeddings, 32 units,
sequences of up to 200 tokens, as in the ``quick`` profile). Latency covers ``predict_proba`` on
tokenized text: encoding, padding, the Keras forward pass.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.benchmarks.real_slices import tokenized_slice

pytestmark = pytest.mark.realdata

PARAMS = {
    "epochs": 1,
    "vocab_size": 10_000,
    "embed_dim": 32,
    "units": 32,
    "max_len_cap": 200,
    "verbose": False,
}


@pytest.fixture(scope="module")
def trained_lstm():
    train_docs, train_y, test_docs, test_y, n_classes = tokenized_slice("imdb", 2_000, 1_000)
    pytest.importorskip("tensorflow")
    from bench.models import get_model

    model = get_model("lstm").cls()(seed=0, **PARAMS).fit(train_docs, train_y, n_classes)
    accuracy = float(np.mean(model.predict_proba(test_docs).argmax(axis=1) == test_y))
    return model, test_docs, accuracy


@pytest.mark.benchmark(group="neural-latency")
@pytest.mark.parametrize("batch,rounds", [(1, 30), (512, 5)], ids=["batch1", "batch512"])
def test_lstm_prediction_latency(benchmark, trained_lstm, batch, rounds):
    model, test_docs, accuracy = trained_lstm
    docs = test_docs[:batch]
    proba = benchmark.pedantic(
        model.predict_proba, args=(docs,), rounds=rounds, iterations=1, warmup_rounds=2
    )
    assert proba.shape == (batch, 2)
    benchmark.extra_info.update(
        batch=batch,
        docs_per_s=batch / benchmark.stats.stats.mean,
        accuracy_1k_test=accuracy,
        n_parameters=model.n_parameters(),
    )
