"""Run a grid of configurations, each in its own process, skipping those already done.

Who runs them is the executor's business (``bench.executors``: here one at a time, ``--jobs N``
at once, or as Ray tasks on a cluster); the grid plans, skips what is stored and prints progress.

A child process per run gives each run its own honest peak-memory figure, frees TensorFlow's
memory between runs, and means an interrupted grid leaves only complete result files (each is
written atomically by the child) so the next invocation resumes where it stopped. A run is done
only when its file validates (``bench.results.stored_result``); a file that does not is moved to
the quarantine folder, named in one line, and the run is done again.
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.executors.base import Executor, Finished, RunTask
from bench.executors.children import (  # noqa: F401  (re-exported: orchestrate, tests)
    USER_STOP_CODES,
    run_child,
    stop_child,
    stopped_by_user,
)
from bench.profiles import get_profile
from bench.results import RunConfig, stored_result
from bench.runner import make_config, result_path


@dataclass
class GridOutcome:
    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    busy: list[RunConfig] = field(default_factory=list)  # being run by another process right now
    failed: list[tuple[RunConfig, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"grid: {len(self.done)} run, {len(self.skipped)} already had results, "
            f"{len(self.busy)} running in another process, {len(self.failed)} failed"
        )


#: (dataset, model) pairs the grid runs once per tokenizer (the profile's Korean analyzers); every
#: other pair uses the default tokenizer of the dataset's language. Naive Bayes on NSMC compares the
#: Korean analyzers: what each costs in tokenization time against what it buys in accuracy.
PER_ANALYZER = {("nsmc", "nb")}


def plan(
    datasets: list[str],
    models: list[str],
    seeds: list[int],
    profile: str,
    *,
    max_train: int | None = None,
    tokenizers: dict[str, list[str]] | None = None,
    params: dict[str, dict] | None = None,
) -> list[RunConfig]:
    """Every (dataset, model, tokenizer, seed) configuration, validated before anything runs.

    ``tokenizers`` (language -> tokenizer names, from a grid file): every (dataset, model) of a
    listed language runs once per listed tokenizer, in place of both the profile's tokenizer and
    the ``PER_ANALYZER`` rows; languages not listed keep those. ``params`` (model ->
    hyperparameters) override the profile's for that model in every run of it. Size-capped plans
    (``max_train``: sweeps, scaling) keep one tokenizer per dataset unless ``tokenizers`` lists
    more.
    """
    from bench.datasets import get_dataset

    analyzers = get_profile(profile).korean_analyzers
    tokenizers, params = tokenizers or {}, params or {}

    def tokenizers_of(dataset: str, model: str):
        listed = tokenizers.get(get_dataset(dataset).language) if tokenizers else None
        if listed:
            return listed
        return analyzers if (dataset, model) in PER_ANALYZER and max_train is None else (None,)

    return [
        make_config(
            d, m, tokenizer=t, profile=profile, seed=s, max_train=max_train, params=params.get(m)
        )
        for d, m, s in itertools.product(datasets, models, seeds)
        for t in tokenizers_of(d, m)
    ]


def shard(configs: list[RunConfig], spec: str | None) -> list[RunConfig]:
    """The ``K/N`` share of a plan (every N-th run from the K-th, K counted from 1), so N machines
    can split one grid between them; ``None`` keeps it all."""
    if not spec:
        return configs
    k, _, n = spec.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        from bench.errors import BenchError

        raise BenchError(f"--shard expects K/N with 1 <= K <= N (for example 2/3), got {spec!r}")
    return configs[int(k) - 1 :: int(n)]


def _fmt(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def time_left(
    remaining: list[RunConfig], timed: dict[tuple[str, str], list[float]], slots: int = 1
) -> str:
    """The progress line's estimate of the time left, from the runs timed so far in this grid.

    A run costs what the runs of its (dataset, model) cost, else what that model cost on the other
    datasets: a neural model takes minutes where naive Bayes takes seconds, so one mean over all
    runs would be off by orders of magnitude while the cheap models run first. Runs of a model not
    yet timed are counted, not guessed. ``slots`` runs at once divide the time left.
    """
    if not timed:
        return ""
    by_model: dict[str, list[float]] = {}
    for (_, model), seconds in timed.items():
        by_model.setdefault(model, []).extend(seconds)
    known, untimed = 0.0, 0
    for config in remaining:
        seconds = timed.get((config.dataset, config.model)) or by_model.get(config.model)
        if seconds:
            known += sum(seconds) / len(seconds) / max(1, slots)
        else:
            untimed += 1
    if not untimed:
        return f", about {_fmt(known)} left"
    runs = "run" if untimed == 1 else "runs"
    return (
        f", about {_fmt(known)} left for the models timed so far + {untimed} {runs} of models "
        "not yet timed"
    )


def run_grid(
    configs: list[RunConfig],
    results_dir: Path,
    *,
    force: bool = False,
    executor: Executor | None = None,
) -> GridOutcome:
    """Run each configuration not yet stored (all of them with ``force``) through ``executor``
    (default: ``local``, one child process at a time), printing progress."""
    from bench.executors import LocalExecutor

    executor = executor or LocalExecutor()
    outcome = GridOutcome()
    todo = []
    for config in configs:
        path = result_path(config, results_dir)
        if not force and stored_result(path, results_dir) is not None:
            outcome.skipped.append(path)
        else:
            todo.append(RunTask(config, path))
    if outcome.skipped:
        print(
            f"{len(outcome.skipped)} of {len(configs)} runs already have results "
            "(use --force to redo)",
            file=sys.stderr,
        )
    if not executor.sequential and todo:
        print(f"executor: {executor.describe()}", file=sys.stderr, flush=True)
    progress = _Progress(todo, executor)
    runs = executor.execute(todo, results_dir, force=force)
    try:
        for i, task in enumerate(todo, start=1):
            if executor.sequential:  # the line before the child's own lines, as always
                progress.starting(i, task.config)
            try:
                finished = next(runs)
            except StopIteration:
                break
            _record(finished, outcome, progress, executor.sequential)
    finally:
        runs.close()
    print(outcome.summary(), file=sys.stderr, flush=True)
    return outcome


class _Progress:
    """The grid's progress lines: elapsed time and the estimate of the time left."""

    def __init__(self, todo: list[RunTask], executor: Executor):
        self.remaining = [t.config for t in todo]
        self.total, self.executor, self.finished = len(todo), executor, 0
        self.start = time.perf_counter()
        self.timed: dict[tuple[str, str], list[float]] = {}  # runs made here, not those skipped

    def _clock(self) -> str:
        eta = time_left(self.remaining, self.timed, self.executor.slots)
        return f"elapsed {_fmt(time.perf_counter() - self.start)}{eta}"

    def starting(self, i: int, config: RunConfig) -> None:
        print(f"[{i}/{self.total}] {config.label()} ({self._clock()})", file=sys.stderr, flush=True)

    def ended(self, finished: Finished, announce: bool) -> None:
        config = finished.task.config
        self.finished += 1
        if config in self.remaining:
            self.remaining.remove(config)
        if finished.seconds is not None and finished.status in ("done", "failed"):
            self.timed.setdefault((config.dataset, config.model), []).append(finished.seconds)
        if announce:
            where = f" on {finished.node}" if finished.node else ""
            took = f" in {_fmt(finished.seconds)}" if finished.seconds is not None else ""
            print(
                f"[{self.finished}/{self.total}] {finished.status} {config.label()}{where}{took} "
                f"({self._clock()})",
                file=sys.stderr,
                flush=True,
            )


def _record(
    finished: Finished, outcome: GridOutcome, progress: _Progress, sequential: bool
) -> None:
    """File one finished run in the outcome and print its lines; KeyboardInterrupt if the user
    stopped its child."""
    progress.ended(finished, announce=not sequential)
    if finished.status == "done":
        outcome.done.append(finished.task.path)
    elif finished.status == "busy":
        outcome.busy.append(finished.task.config)
        print(f"    skipped: {finished.reason}", file=sys.stderr, flush=True)
    elif finished.status == "skipped":
        outcome.skipped.append(finished.task.path)
        print(f"    skipped: {finished.reason}", file=sys.stderr, flush=True)
    else:
        outcome.failed.append((finished.task.config, finished.reason))
        print(f"    FAILED: {finished.reason}", file=sys.stderr, flush=True)
        if finished.stopped:
            raise KeyboardInterrupt
