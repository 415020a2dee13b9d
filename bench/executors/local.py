"""The ``local`` executor: each run in a child process on this machine, one at a time (today's
grid) or ``jobs`` at once, each child then given its share of the cores (``thread_env``).

``jobs`` threads each drive one child (``bench run``); the child writes its result file itself
under the run's lock, which it inherits, as a lone run does.
"""

from __future__ import annotations

import os
import platform
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from bench.executors.base import (
    Executor,
    Finished,
    RunTask,
    child_command,
    claim,
    cpu_share,
    thread_env,
)
from bench.executors.children import run_child, stop_child, stopped_by_user
from bench.results import stored_result
from core.cpus import available_cpus

#: memory a run may need at its peak: the default grid's largest runs stay under it
#: (docs/distributed.md#how-many-runs-at-once)
GB_PER_RUN = 4


def default_jobs(cpus: int | None = None, memory_gb: float | None = None) -> int:
    """How many runs go at once when ``--jobs`` is not given: one per core, as far as the memory
    holds ``GB_PER_RUN`` for each (at least one)."""
    cpus = cpus or available_cpus()
    if memory_gb is None:
        try:
            memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        except (AttributeError, OSError, ValueError):
            memory_gb = GB_PER_RUN
    return max(1, min(cpus, int(memory_gb // GB_PER_RUN)))


class LocalExecutor(Executor):
    """Runs on this machine, ``jobs`` children at once (1: one after the other, as always)."""

    name = "local"

    def __init__(self, jobs: int = 1, cpus: int | None = None):
        self.jobs = max(1, jobs)
        self.slots = self.jobs
        self.sequential = self.jobs == 1
        self.cpus = cpu_share(cpus or available_cpus(), self.jobs)
        self._live: set = set()  # the children running now, stopped on an interrupt
        self._guard = threading.Lock()

    def describe(self) -> str:
        if self.sequential:
            return "local"
        return f"local, {self.jobs} runs at once, {self.cpus} core(s) each"

    def _env(self) -> dict[str, str] | None:
        if self.sequential:  # a lone run keeps every core and today's environment
            return None
        return thread_env(self.cpus, {"executor": "local", "jobs": self.jobs})

    def run_one(self, task: RunTask, results_dir: Path, force: bool) -> Finished:
        """Run one task under its lock in a child; what came of it."""
        lock = claim(task, results_dir, force)
        if isinstance(lock, Finished):
            return lock
        with lock:
            t0 = time.perf_counter()
            code, last = run_child(
                child_command(task.config, results_dir),
                lock.fd,
                env=self._env(),
                live=(self._live, self._guard),
            )
            seconds = time.perf_counter() - t0
        node = platform.node()
        if code == 0 and stored_result(task.path, results_dir) is not None:
            return Finished(task, "done", seconds, node)
        reason = last or f"exit code {code}"
        return Finished(task, "failed", seconds, node, reason, stopped=stopped_by_user(code))

    def execute(
        self, tasks: list[RunTask], results_dir: Path, *, force: bool
    ) -> Iterator[Finished]:
        if self.sequential:
            for task in tasks:
                yield self.run_one(task, results_dir, force)
            return
        yield from self._parallel(lambda t: self.run_one(t, results_dir, force), tasks)

    def run_commands(self, commands: list[list[str]]) -> Iterator[tuple[int, int, str]]:
        """Run other children (the language-model task's, one per dataset) as the runs are run:
        ``jobs`` at once with their share of the cores; yields ``(index, exit code, last line)``
        as each ends."""

        def one(i: int) -> tuple[int, int, str]:
            return (i, *run_child(commands[i], env=self._env(), live=(self._live, self._guard)))

        if self.sequential:
            yield from map(one, range(len(commands)))
        else:
            yield from self._parallel(one, list(range(len(commands))))

    def _parallel(self, fn, items: list) -> Iterator:
        """``fn(item)`` for each item in ``jobs`` threads, yielding results as they end; an
        interrupt stops every child and cancels what has not started."""
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="bench-run")
        pending: set[Future] = set()
        try:
            pending = {pool.submit(fn, item) for item in items}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        except BaseException:
            for fut in pending:
                fut.cancel()
            self.stop_children()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def stop_children(self) -> None:
        """Stop every child running now (SIGTERM, then SIGKILL): an interrupted grid leaves none."""
        with self._guard:
            live = list(self._live)
        for proc in live:
            stop_child(proc)
