"""The grid side of the command line: ``bench all``, ``bench lm``, ``bench sweep`` and
``bench scale``, each planned and run by ``bench.orchestrate`` on the executor that
``--executor``, ``--jobs`` and ``--ray-address`` ask for. ``bench.cli`` holds the other commands."""

from __future__ import annotations

import sys

from bench.cli_data import results_dir_of as _results_dir


def _executor(args):
    """The executor ``--executor``, ``--jobs`` and ``--ray-address`` ask for."""
    from bench.executors import make_executor

    return make_executor(args.executor, jobs=args.jobs, ray_address=args.ray_address)


def cmd_all(args) -> int:
    """The grid of datasets x models x seeds, the language-modelling task, then the HTML report;
    ``--config`` reads the grid from a TOML file, flags given override it."""
    from bench.grid_config import GridConfig, load_grid_config
    from bench.orchestrate import run_all

    config = load_grid_config(args.config) if args.config else GridConfig()
    config = config.override(
        profile=args.profile,
        datasets=args.datasets,
        models=args.models,
        seeds=args.seeds,
        lm=False if args.no_lm else None,
    )
    return _finish(
        run_all(
            **config.run_all_kwargs(),
            results_dir=_results_dir(args),
            shard_spec=args.shard,
            force=args.force,
            report=not args.no_report,
            executor=_executor(args),
        )
    )


def cmd_lm(args) -> int:
    """The language-modelling task on each dataset: every n-gram smoothing and order, neural LMs."""
    from bench.orchestrate import run_lm

    if args.executor != "local" or (args.jobs or 1) > 1 or args.ray_address:
        return _lm_children(args)
    run_lm(
        args.datasets,
        results_dir=_results_dir(args),
        profile=args.profile,
        seeds=args.seeds,
        force=args.force,
        neural=() if args.no_neural else args.neural,
    )
    return 0


def _lm_children(args) -> int:
    """``bench lm --jobs N``: a child per dataset, N at once, each with its share of the cores;
    ``--executor ray``: a Ray task per dataset."""
    from bench.datasets import BENCHMARK_DATASETS, get_dataset
    from bench.orchestrate import run_lm_children
    from bench.profiles import get_profile

    executor = _executor(args)  # a combination that makes no sense: one line, before anything
    get_profile(args.profile)
    datasets = [get_dataset(d).name for d in args.datasets or BENCHMARK_DATASETS]
    failed = run_lm_children(
        datasets,
        profile=args.profile,
        results_dir=_results_dir(args),
        seeds=args.seeds,
        force=args.force,
        executor=executor,
        neural=() if args.no_neural else args.neural,
    )
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


def cmd_sweep(args) -> int:
    """Accuracy against training-set size: each (dataset, size, model, seed) an ordinary run."""
    from bench.orchestrate import run_sweep

    return _finish(
        run_sweep(
            results_dir=_results_dir(args),
            profile=args.profile,
            datasets=args.datasets,
            models=args.models,
            sizes=args.sizes,
            seeds=args.seeds,
            force=args.force,
            report=not args.no_report,
            executor=_executor(args),
        )
    )


def cmd_scale(args) -> int:
    """Fit time and peak memory against data size, on the raw NSMC crawl by default."""
    from bench.orchestrate import run_scale

    return _finish(
        run_scale(
            results_dir=_results_dir(args),
            profile=args.profile,
            dataset=args.dataset,
            models=args.models,
            sizes=args.sizes,
            neural_models=args.neural_models,
            neural_sizes=args.neural_sizes,
            lm_sizes=args.lm_sizes,
            seed=args.seed,
            force=args.force,
            report=not args.no_report,
            executor=_executor(args),
        )
    )


def _finish(outcome) -> int:
    """Print an orchestrated command's report path and notes; its exit code."""
    if outcome.report is not None:
        print(f"report: {outcome.report}")
    for line in outcome.notes():
        print(line, file=sys.stderr)
    return outcome.exit_code
