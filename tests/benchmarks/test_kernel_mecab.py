"""MeCab-ko through the suite against the analyzer called directly: the suite's overhead.

The suite tokenizes NSMC reviews as a run does (``bench.tokenizers.cache.tokenize_corpus``, a cold
cache): in one process (its default for MeCab-ko) and in two spawned workers
(``BENCH_TOKENIZE_WORKERS=2``). The direct path calls python-mecab-ko's ``MeCab().morphs`` on the
same texts in as many processes (spawned, in the suite's chunks, when more than one). Both timings
include starting the analyzer and the processes. ``morphs`` builds a Python object per
morpheme, which the suite avoids, so a second direct path times the C++ kernel alone: MeCab's
``parse`` of each text's lattice into its text output, with nothing read out of it.
``extra_info`` holds each path's documents per second, ``ratio`` (suite / ``morphs``) and
``ratio_to_kernel`` (suite / the bare parse; 1 would mean no overhead at all): a regression in
the suite's tokenization path shows as a falling ratio.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.conftest import REAL_DATA_HOME

pytestmark = pytest.mark.realdata
N_DOCS = 20_000

_MECAB = None


def _start_mecab() -> None:
    global _MECAB
    import mecab

    _MECAB = mecab.MeCab()


def _morphs(texts: list[str]) -> list:
    return [_MECAB.morphs(t) for t in texts]


def _parse(texts: list[str]) -> list:
    from mecab.mecab import create_lattice

    tagger, out = _MECAB._tagger, []
    for t in texts:
        lattice = create_lattice(t)
        tagger.parse(lattice)
        out.append(lattice.to_string())
    return out


def direct(texts: list[str], workers: int, chunk: int, fn=_morphs) -> list:
    """``fn`` (``_morphs`` or ``_parse``) over the texts in ``workers`` spawned processes,
    ``chunk`` texts a task; in this process when ``workers`` is 1."""
    if workers == 1:
        _start_mecab()
        return fn(texts)
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_mecab,
    ) as pool:
        return [doc for part in pool.map(fn, chunks) for doc in part]


@pytest.fixture(scope="module")
def reviews() -> list[str]:
    if REAL_DATA_HOME is None:
        pytest.skip("the real datasets are not here: set BENCH_DATA_HOME to ../shared/data")
    pytest.importorskip("mecab")
    from bench.datasets.nsmc import read_ratings

    return read_ratings(REAL_DATA_HOME / "nsmc" / "ratings_train.txt").texts[:N_DOCS]


@pytest.mark.benchmark(group="kernel-overhead")
@pytest.mark.parametrize("workers", [None, 2], ids=["default-workers", "2-workers"])
def test_mecab_through_the_suite_vs_direct(benchmark, reviews, tmp_path, monkeypatch, workers):
    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))  # cold: an empty cache
    monkeypatch.setenv("BENCH_DATA_HOME", str(REAL_DATA_HOME))
    monkeypatch.setenv("BENCH_OFFLINE", "1")
    if workers is not None:
        monkeypatch.setenv("BENCH_TOKENIZE_WORKERS", str(workers))
    from bench.datasets import get_dataset
    from bench.tokenizers import make_tokenizer
    from bench.tokenizers.cache import tokenize_corpus
    from bench.tokenizers.parallel import default_workers

    spec, tokenizer = get_dataset("nsmc"), make_tokenizer("mecab")
    spec.checksum()  # a run has it before it tokenizes
    workers = default_workers(tokenizer, len(reviews))
    chunk = max(100, min(2_000, len(reviews) // (workers * 8) or 1))  # the suite's chunks

    t0 = time.perf_counter()
    direct_docs = direct(reviews, workers, chunk)
    direct_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    direct(reviews, workers, chunk, _parse)
    kernel_s = time.perf_counter() - t0

    def suite() -> list[list[str]]:
        split = tokenize_corpus(spec, "train", reviews, tokenizer, use_cache=True)
        assert split.cache_hit is False and split.workers == workers
        return split.docs

    docs = benchmark.pedantic(suite, rounds=1, iterations=1)
    suite_s = benchmark.stats.stats.mean
    benchmark.extra_info.update(
        docs=len(docs),
        workers=workers,
        cpus=os.cpu_count(),
        suite_docs_per_s=len(docs) / suite_s,
        direct_docs_per_s=len(direct_docs) / direct_s,
        kernel_docs_per_s=len(reviews) / kernel_s,
        ratio=direct_s / suite_s,
        ratio_to_kernel=kernel_s / suite_s,
    )
    assert len(docs) == len(direct_docs) == len(reviews)
    assert sum(map(len, docs)) > len(docs)
