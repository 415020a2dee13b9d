"""What ``bench all``, ``bench sweep``, ``bench scale`` and ``bench lm`` do: plan, run, report.

Each function plans its configurations, runs those not yet stored through ``bench.grid`` (a child
process per run), then any language-model step, then renders the HTML report, and returns an
``Outcome`` saying what failed; the command line only parses arguments and prints the outcome.
The language-model task runs in a child process per dataset, like the grid's runs. A child the
user stopped (``bench.grid.stopped_by_user``) stops everything with KeyboardInterrupt.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from bench.executors.base import Executor
from bench.grid import GridOutcome, plan, run_child, run_grid, shard, stopped_by_user
from bench.results import RunConfig

#: The seeds of ``bench lm`` when none are given: seed 0, the seed every stored LM run has used.
LM_DEFAULT_SEEDS = (0,)


@dataclass
class Outcome:
    """What one orchestrated command did: the grid's runs, the language-model datasets that
    failed (one line each) and the report it rendered, if any."""

    results_dir: Path
    grid: GridOutcome
    lm_failed: list[str] = field(default_factory=list)
    report: Path | None = None

    @property
    def failures(self) -> list[str]:
        """One line per failed run or language-model dataset."""
        return [f"{c.label()}: {reason}" for c, reason in self.grid.failed] + self.lm_failed

    @property
    def exit_code(self) -> int:
        """0 when everything ran, 1 if anything failed."""
        return 1 if self.failures else 0

    def notes(self) -> list[str]:
        """Lines for stderr: runs left to another process, then what failed."""
        lines = []
        if self.grid.busy:
            lines.append(
                f"{len(self.grid.busy)} run(s) are being run by another process; run the "
                "same command again when it has finished to render them"
            )
        if self.failures:
            lines.append(f"{len(self.failures)} run(s) failed:")
            lines += [f"  {line}" for line in self.failures]
        return lines


def run_all(
    *,
    results_dir: Path,
    profile: str = "default",
    datasets: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    shard_spec: str | None = None,
    lm: bool | None = None,
    force: bool = False,
    report: bool = True,
    tokenizers: dict[str, Sequence[str]] | None = None,
    params: dict[str, dict] | None = None,
    max_train: int | None = None,
    config_file: str | None = None,
    executor: Executor | None = None,
) -> Outcome:
    """The grid of datasets x models x seeds, then the language-model task on each dataset, then
    the report. ``seeds`` default to the profile's for the grid; the LM task gets them only when
    given (else its own default, ``LM_DEFAULT_SEEDS``). The LM task runs with ``lm=True``, is
    skipped with ``lm=False``, and with ``lm=None`` runs unless ``models`` narrow the grid; never
    with ``shard_spec``. ``tokenizers``, ``params`` and ``max_train`` go to ``bench.grid.plan``.
    The resolved grid (``bench.grid_config.ResolvedGrid``; ``config_file``: the grid file it came
    from) is stored under ``results_dir/grids/`` before anything runs."""
    from bench.datasets import BENCHMARK_DATASETS, get_dataset
    from bench.datasets.catalogue import named
    from bench.describe import describe_quietly
    from bench.grid_config import DATASETS_FILE_ENV, resolve_grid, store_resolved
    from bench.profiles import get_profile
    from bench.storage import check_writable

    prof = get_profile(profile)
    # data files (a grid file may list paths) become names their child runs find
    datasets = [named(d, results_dir) for d in datasets or BENCHMARK_DATASETS]
    grid_models, grid_seeds = list(models or prof.grid_models()), list(seeds or prof.seeds)
    tokenizers = {lang: list(names) for lang, names in (tokenizers or {}).items()}
    planned = plan(
        datasets,
        grid_models,
        grid_seeds,
        profile,
        max_train=max_train,
        tokenizers=tokenizers,
        params=params,
    )
    configs = shard(planned, shard_spec)
    run_lm = (lm is None and not models) or lm is True
    lm_datasets = datasets if run_lm and not shard_spec else []
    resolved = resolve_grid(
        planned,
        lm=bool(lm_datasets),
        profile=profile,
        datasets=datasets,
        models=grid_models,
        seeds=grid_seeds,
        params=dict(params or {}),
        max_train=max_train,
        shard=shard_spec,
        datasets_file=os.environ.get(DATASETS_FILE_ENV) or None,
        config_file=config_file,
    )
    check_writable(results_dir, ("runs", "models", "grids"))  # one line before anything else
    for name in datasets:  # data that is refused (missing, failing its checksum) stops the grid
        get_dataset(name).checksum()  # before its record is written
    store_resolved(results_dir, resolved)

    def lm_step(results_dir: Path) -> list[str]:
        failed = run_lm_children(
            lm_datasets,
            profile=profile,
            results_dir=results_dir,
            seeds=seeds,
            force=force,
            executor=executor,
        )
        if report:  # the report's "Know your data" section then reads cached descriptions
            describe_quietly(datasets)
        return failed

    return _run(
        configs,
        results_dir=results_dir,
        profile=profile,
        force=force,
        report=report,
        then=lm_step,
        executor=executor,
    )


def run_sweep(
    *,
    results_dir: Path,
    profile: str = "default",
    datasets: Sequence[str] | None = None,
    models: Sequence[str] | None = None,
    sizes: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    force: bool = False,
    report: bool = True,
    executor: Executor | None = None,
) -> Outcome:
    """Accuracy against training-set size: each (dataset, size, model, seed) an ordinary run.
    ``sizes`` as typed (``5k``, ``full``); defaults in ``bench.sweep``; dataset imdb, seed 0."""
    from bench import sweep

    configs = sweep.plan_sizes(
        list(datasets or ["imdb"]),
        list(models or sweep.default_models(sweep.SWEEP_MODELS)),
        sweep.parse_sizes(sizes, sweep.SWEEP_SIZES),
        list(seeds or [0]),
        profile,
    )
    return _run(
        configs,
        results_dir=results_dir,
        profile=profile,
        force=force,
        report=report,
        executor=executor,
    )


def run_scale(
    *,
    results_dir: Path,
    profile: str = "default",
    dataset: str = "nsmc-raw",
    models: Sequence[str] | None = None,
    sizes: Sequence[str] | None = None,
    neural_models: Sequence[str] | None = None,
    neural_sizes: Sequence[str] | None = None,
    lm_sizes: Sequence[str] | None = None,
    seed: int = 0,
    force: bool = False,
    report: bool = True,
    executor: Executor | None = None,
) -> Outcome:
    """Fit time and peak memory against data size: classic and neural models on growing slices of
    ``dataset``, then an n-gram language model on ``lm_sizes``. ``None`` takes the defaults of
    ``bench.sweep`` and ``bench.lm_scale``; an empty ``neural_models`` or ``lm_sizes`` skips
    that part."""
    from bench import sweep
    from bench.lm_scale import LM_SCALE_SIZES, run_lm_scale

    if neural_models is None:
        neural_models = sweep.default_models(sweep.SCALE_NEURAL_MODELS)
    configs = sweep.plan_scale(
        dataset,
        list(models or sweep.default_models(sweep.SCALE_CLASSIC_MODELS)),
        sweep.parse_sizes(sizes, sweep.SCALE_CLASSIC_SIZES),
        list(neural_models),
        sweep.parse_sizes(neural_sizes, sweep.SCALE_NEURAL_SIZES),
        profile,
        seed,
    )
    skip_lm = lm_sizes is not None and not list(lm_sizes)
    lm_points = [] if skip_lm else sweep.parse_sizes(lm_sizes, LM_SCALE_SIZES)

    def lm_step(results_dir: Path) -> list[str]:
        if lm_points:
            print(f"n-gram language model on {len(lm_points)} sizes of {dataset}", file=sys.stderr)
            run_lm_scale(dataset, lm_points, profile=profile, results_dir=results_dir, force=force)
        return []

    return _run(
        configs,
        results_dir=results_dir,
        profile=profile,
        force=force,
        report=report,
        then=lm_step,
        executor=executor,
    )


def run_lm(
    datasets: Sequence[str] | None = None,
    *,
    results_dir: Path,
    profile: str = "default",
    seeds: Sequence[int] | None = None,
    force: bool = False,
    neural: Sequence[str] | None = None,
) -> list[Path]:
    """The language-modelling task in this process: every planned model on each dataset (default:
    the benchmark's), once per seed (default ``LM_DEFAULT_SEEDS``); the result files written.
    ``neural``: which neural LMs (None: the profile's; empty: n-gram models only)."""
    from bench.datasets import BENCHMARK_DATASETS
    from bench.lm_task import run_lm_dataset

    written = []
    for dataset in datasets or BENCHMARK_DATASETS:
        for seed in seeds or LM_DEFAULT_SEEDS:
            written += run_lm_dataset(
                dataset,
                profile=profile,
                results_dir=results_dir,
                seed=seed,
                force=force,
                neural=neural,
            )
    return written


def lm_child_command(
    dataset: str,
    *,
    profile: str,
    results_dir: Path,
    seeds: Sequence[int] | None = None,
    force: bool = False,
    neural: Sequence[str] | None = None,
) -> list[str]:
    """The ``bench lm`` command line that runs the task on one dataset in a child process;
    ``neural`` as in ``run_lm`` (None: the profile's neural LMs; empty: none)."""
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "lm",
        "--datasets",
        dataset,
        "--profile",
        profile,
        "--results-dir",
        str(results_dir),
    ]
    if seeds:
        cmd += ["--seeds", *map(str, seeds)]
    if neural is not None:
        cmd += ["--neural", *neural] if neural else ["--no-neural"]
    return cmd + (["--force"] if force else [])


def run_lm_children(
    datasets: Sequence[str],
    *,
    profile: str,
    results_dir: Path,
    seeds: Sequence[int] | None = None,
    force: bool = False,
    executor: Executor | None = None,
    neural: Sequence[str] | None = None,
) -> list[str]:
    """The language-modelling task per dataset, each in its own child process; one line per
    dataset that failed. Raises KeyboardInterrupt when the user stopped a child. A local
    ``executor`` with ``--jobs N`` runs N datasets at once (``run_commands``), the Ray executor a
    Ray task per dataset (``run_lm``); otherwise they run here one by one."""
    from functools import partial

    command_for = partial(
        lm_child_command, profile=profile, seeds=seeds, force=force, neural=neural
    )

    def one_by_one():
        for i, dataset in enumerate(datasets):
            print(
                f"[LM {i + 1}/{len(datasets)}] {dataset}: n-gram and neural language models",
                file=sys.stderr,
            )
            yield (i, *run_child(command_for(dataset, results_dir=results_dir)))

    if hasattr(executor, "run_lm"):
        ends = executor.run_lm(
            list(datasets), command_for, results_dir, profile=profile, neural=neural, force=force
        )
    elif hasattr(executor, "run_commands") and not executor.sequential:
        ends = executor.run_commands([command_for(d, results_dir=results_dir) for d in datasets])
    else:
        ends = one_by_one()
    failed = []
    for i, code, last in ends:
        if stopped_by_user(code):
            raise KeyboardInterrupt
        if code != 0:
            failed.append(f"{datasets[i]} language models: {last or f'exit code {code}'}")
    return failed


def _run(
    configs: list[RunConfig],
    *,
    results_dir: Path,
    profile: str,
    force: bool,
    report: bool,
    then: Callable[[Path], list[str]] | None = None,
    executor: Executor | None = None,
) -> Outcome:
    """Run the configurations not yet stored, then ``then(results_dir)`` (its failures, one line
    each), then render the report if asked and there are runs to show. The folders it writes are
    checked first: an unwritable one fails in one line before anything is fitted. ``executor``
    runs the grid (``bench.executors``; default: local, one run at a time)."""
    import time

    from bench import phases
    from bench.profiles import get_profile
    from bench.storage import check_writable
    from reports.html import render_report

    t0 = time.perf_counter()
    check_writable(results_dir, ("runs", "models", "report") if report else ("runs", "models"))
    print(f"{len(configs)} runs, profile {profile!r}, results in {results_dir}", file=sys.stderr)
    t_grid = time.perf_counter()
    with executor.session() if executor is not None else nullcontext():  # Ray: one instance
        outcome = Outcome(
            results_dir, run_grid(configs, results_dir, force=force, executor=executor)
        )
        t_lm = time.perf_counter()
        if then is not None:
            outcome.lm_failed = then(results_dir)
    t_report = time.perf_counter()
    if report and any((results_dir / "runs").glob("*.json")):
        outcome.report = render_report(results_dir, profile=profile)
    end = time.perf_counter()
    print(
        phases.grid_breakdown(
            outcome.grid.done,
            wall=phases.command_wall(t0),
            grid_seconds=t_lm - t_grid,
            lm_seconds=t_report - t_lm,
            report_seconds=end - t_report,
            budget_minutes=get_profile(profile).budget_minutes,
        ),
        file=sys.stderr,
    )
    return outcome
