"""Tokenize a corpus in one or several processes, with progress on stderr.

Slow analyzers (Okt, Komoran: around a thousand reviews per second) are worth spreading over
processes: each worker builds its own analyzer (and JVM) once, then takes chunks of documents.
The workers can be kept for the next split, so a run starts each JVM once.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from bench.errors import BenchError
from bench.tokenizers.base import Tokenizer
from core.cpus import available_cpus
from core.progress import say

PROGRESS_EVERY_S = 5.0
#: Fewer documents than this per worker and start-up (a JVM: seconds) outweighs the gain.
MIN_DOCS_PER_WORKER = 2_500


def default_workers(tokenizer: Tokenizer, n_docs: int) -> int:
    """How many processes tokenize: ``$BENCH_TOKENIZE_WORKERS``, else every core when the analyzer
    is slow and the corpus big (its share of them under a parallel grid: ``core.cpus``)."""
    env = os.environ.get("BENCH_TOKENIZE_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise BenchError(
                f"BENCH_TOKENIZE_WORKERS must be a whole number, got {env!r}."
            ) from None
    if not getattr(tokenizer, "parallel_worthwhile", False):
        return 1
    return max(1, min(available_cpus(), n_docs // MIN_DOCS_PER_WORKER))


class Progress:
    """Prints ``label: done/total docs, docs/s, time left`` to stderr at most every few seconds."""

    def __init__(self, total: int, label: str | None):
        self.total, self.label, self.done = total, label, 0
        self.start = self.last = time.perf_counter()

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if (
            self.label
            and (now - self.last >= PROGRESS_EVERY_S or self.done == self.total)
            and now - self.start > 1
        ):
            self.last = now
            rate = self.done / (now - self.start)
            left = (self.total - self.done) / rate if rate else 0.0
            say(
                f"  {self.label}: {self.done:,}/{self.total:,} docs, {rate:,.0f} docs/s, "
                f"{left:,.0f}s left"
            )


def tokenize_texts(
    tokenizer: Tokenizer,
    texts: list[str],
    *,
    workers: int = 1,
    progress: str | None = None,
    chunk_size: int | None = None,
    keep_workers: bool = False,
) -> list[list[str]]:
    """``[tokenizer(t) for t in texts]``, in ``workers`` processes when that is more than one.

    With ``keep_workers`` the processes stay up for the next call with the same tokenizer (a
    test split after a train split: no second JVM start and warm-up); ``shutdown_workers`` or
    the next call without it stops them.
    """
    n = len(texts)
    if workers <= 1 or n < 2:
        if not keep_workers:
            shutdown_workers()
        return tokenizer.tokenize_many(texts, progress=progress)  # a tokenizer may batch it its way
    # a few chunks per worker balance the load; small chunks keep the progress line moving
    size = chunk_size or max(100, min(2_000, n // (workers * 8) or 1))
    chunks = [texts[i : i + size] for i in range(0, n, size)]
    results: list[list[list[str]] | None] = [None] * len(chunks)
    bar = Progress(n, progress)
    try:
        pool = _pool(tokenizer, workers)
        pending = {pool.submit(_tokenize_chunk, chunk): i for i, chunk in enumerate(chunks)}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                results[i] = fut.result()
                bar.update(len(chunks[i]))
    except BaseException:
        shutdown_workers()  # a failed or interrupted run leaves no analyzer processes behind
        raise
    if not keep_workers:
        shutdown_workers()
    return [doc for chunk in results for doc in chunk]  # type: ignore[union-attr]


_POOL: tuple[tuple, ProcessPoolExecutor] | None = None


def _pool(tokenizer: Tokenizer, workers: int) -> ProcessPoolExecutor:
    """The kept worker pool if it runs this tokenizer with these options, else a new one."""
    global _POOL
    key = (type(tokenizer), json.dumps(tokenizer.options, sort_keys=True, default=str), workers)
    if _POOL is not None and _POOL[0] == key:
        return _POOL[1]
    shutdown_workers()
    # spawned, not forked: forking a process that already runs a JVM is unsafe
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(type(tokenizer), tokenizer.options),
    )
    _POOL = (key, pool)
    return pool


def shutdown_workers() -> None:
    """Stop kept worker processes (each holds an analyzer, perhaps a JVM of a few hundred MB)."""
    global _POOL
    if _POOL is not None:
        _POOL[1].shutdown(wait=True, cancel_futures=True)
        _POOL = None


atexit.register(shutdown_workers)


_WORKER_TOKENIZER: Tokenizer | None = None
_WORKER_ERROR: BaseException | None = None


def _init_worker(cls: type, options: dict) -> None:
    global _WORKER_TOKENIZER, _WORKER_ERROR
    try:
        _WORKER_TOKENIZER = cls(**options)
    except (
        Exception
    ) as exc:  # an initializer that raises only says "broken pool"; report it per task
        _WORKER_ERROR = exc


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    assert _WORKER_TOKENIZER is not None
    return [_WORKER_TOKENIZER(t) for t in texts]
