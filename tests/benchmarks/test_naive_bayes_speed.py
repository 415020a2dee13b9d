"""Vectorizer + multinomial naive Bayes: fit and predict time on real data slices.

The model is the registered ``nb`` with its smoothing fixed (alpha = 1), so the figure is one
vectorizer fit plus one naive Bayes fit, not the validation search the benchmark grid also pays
for. Test accuracy goes into ``extra_info``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.benchmarks.real_slices import tokenized_slice

pytestmark = pytest.mark.realdata

#: (dataset, max train documents, max test documents): seconds each on a 2-core CPU
SLICES = [("imdb", 10_000, 5_000), ("r8", None, None), ("sms-spam", None, None)]


def _nb():
    from bench.models import get_model

    return get_model("nb").cls()(seed=0, alpha=1.0)


@pytest.mark.benchmark(group="naive-bayes-fit")
@pytest.mark.parametrize("dataset,max_train,max_test", SLICES, ids=[s[0] for s in SLICES])
def test_nb_fit(benchmark, dataset, max_train, max_test):
    train_docs, train_y, test_docs, test_y, n_classes = tokenized_slice(
        dataset, max_train, max_test
    )
    model = benchmark.pedantic(
        lambda: _nb().fit(train_docs, train_y, n_classes), rounds=3, iterations=1
    )
    accuracy = float(np.mean(model.predict_proba(test_docs).argmax(axis=1) == test_y))
    benchmark.extra_info.update(
        accuracy=accuracy,
        train_docs=len(train_docs),
        fit_docs_per_s=len(train_docs) / benchmark.stats.stats.mean,
    )
    assert accuracy > 0.7


@pytest.mark.benchmark(group="naive-bayes-predict")
@pytest.mark.parametrize("dataset,max_train,max_test", SLICES, ids=[s[0] for s in SLICES])
def test_nb_predict(benchmark, dataset, max_train, max_test):
    train_docs, train_y, test_docs, test_y, n_classes = tokenized_slice(
        dataset, max_train, max_test
    )
    model = _nb().fit(train_docs, train_y, n_classes)
    proba = benchmark.pedantic(model.predict_proba, args=(test_docs,), rounds=5, iterations=1)
    accuracy = float(np.mean(proba.argmax(axis=1) == test_y))
    benchmark.extra_info.update(
        accuracy=accuracy,
        test_docs=len(test_docs),
        predict_docs_per_s=len(test_docs) / benchmark.stats.stats.mean,
    )
    assert accuracy > 0.7
