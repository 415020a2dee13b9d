"""Tokenizer throughput per Korean analyzer on real NSMC reviews (single process, no cache).

The analyzer (and the JVM for Okt and Komoran) is started and warmed on a few reviews first, so the
figure is steady-state analysis speed; documents per second and tokens per document go into
``extra_info``. The grid's cold figures for the full 200,000 reviews are in each run's result.
"""

from __future__ import annotations

import os

import pytest

from bench.tokenizers import KOREAN_ANALYZERS, make_tokenizer
from tests.conftest import REAL_DATA_HOME

pytestmark = pytest.mark.realdata
N_DOCS = 1_000


@pytest.fixture(scope="module")
def reviews() -> list[str]:
    if REAL_DATA_HOME is None:
        pytest.skip("the real datasets are not here: set BENCH_DATA_HOME to ../shared/data")
    from bench.datasets.nsmc import read_ratings

    return read_ratings(REAL_DATA_HOME / "nsmc" / "ratings_test.txt").texts[:N_DOCS]


@pytest.mark.benchmark(group="korean-tokenizer")
@pytest.mark.parametrize("name", KOREAN_ANALYZERS)
def test_korean_tokenizer_throughput(benchmark, reviews, name):
    os.environ.setdefault("BENCH_OFFLINE", "1")
    tokenizer = make_tokenizer(name)
    tokenizer.tokenize_many(reviews[:20])  # start the analyzer (and a JVM) outside the timing
    docs = benchmark.pedantic(lambda: tokenizer.tokenize_many(reviews), rounds=1, iterations=1)
    n_tokens = sum(map(len, docs))
    benchmark.extra_info.update(
        docs=len(docs),
        docs_per_s=len(docs) / benchmark.stats.stats.mean,
        tokens_per_doc=n_tokens / len(docs),
        tokenizer=tokenizer.config(),
    )
    assert len(docs) == len(reviews) and n_tokens > len(docs)
