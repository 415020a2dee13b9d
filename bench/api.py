"""The Python API, for notebooks and scripts: ``bench.run``, ``bench.run_grid``,
``bench.load_results``, ``bench.describe_data``; and the table ``bench results`` exports.

Each takes the path the command line takes (``bench.runner.make_config`` and ``run``;
``bench.orchestrate.run_all``; ``bench.results.read_results``), so a number from a notebook is the
number ``python -m bench`` gives. A user's mistake raises ``bench.errors.BenchError`` (one line),
never ``SystemExit``. ``docs/python-api.md`` shows the whole loop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from bench.errors import BenchError
from core.progress import say

if TYPE_CHECKING:
    import pandas as pd

    from bench.grid_config import GridConfig
    from bench.results import RunResult

#: the formats of ``bench results`` / ``write_results``
FORMATS = ("csv", "json", "parquet")

#: integer columns that may be missing: pandas' nullable integers keep them integers
_NULLABLE_INTS = ("n_parameters", "model_bytes", "max_train", "machine_cpu_count")


def _results_dir(results_dir: str | Path | None) -> Path:
    from bench.results import results_home

    return Path(results_dir).resolve() if results_dir is not None else results_home()


def run(
    dataset: str,
    model: str,
    *,
    tokenizer: str | None = None,
    profile: str = "default",
    seed: int = 0,
    params: dict | None = None,
    max_train: int | None = None,
    results_dir: str | Path | None = None,
    save: bool = True,
    quiet: bool = False,
    **file_options,
) -> RunResult:
    """Fit ``model`` on ``dataset`` and evaluate it on the test split, as ``bench run`` does.

    ``params`` override the profile's hyperparameters (``{"alpha": 0.5}``); ``max_train`` trains
    on a stratified slice. With ``save`` the result file (and fitted model) go to ``results_dir``
    (default ``$BENCH_RESULTS_DIR`` or ``./bench-results``). Returns the ``RunResult``
    (``.accuracy``, ``.macro_f1``, ``.fit_seconds``, ``.to_dict()``).

    ``dataset`` may be a path to your own ``.csv``/``.tsv``/``.jsonl``/``.parquet`` file;
    ``file_options`` then say how to read it (``text_column``, ``label_column``, ``test_file``,
    ``test_size``, ``split_seed``, ``language``, ``name``, ``drop_empty``: docs/your-data.md)."""
    from bench.datasets.catalogue import named
    from bench.runner import make_config
    from bench.runner import run as run_config

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise BenchError(f"seed must be a non-negative integer, got {seed!r}")
    if max_train is not None and (not isinstance(max_train, int) or max_train < 1):
        raise BenchError(f"max_train must be a positive integer, got {max_train!r}")
    folder = _results_dir(results_dir) if save else None
    config = make_config(
        named(dataset, folder, **file_options),
        model,
        tokenizer=tokenizer,
        profile=profile,
        seed=seed,
        params=params,
        max_train=max_train,
    )
    return run_config(config, results_dir=folder, quiet=quiet)


def describe_data(dataset: str, **file_options) -> dict:
    """What ``bench data --describe`` reports of a dataset (a name, or your file with
    ``file_options`` as for ``run``): sizes per split and class, text lengths, vocabulary and the
    test split's out-of-vocabulary rate, and the leakage audit (docs/data.md)."""
    from bench.datasets.catalogue import named
    from bench.describe import describe_dataset

    return describe_dataset(named(dataset, None, **file_options))


def grid_config(config: str | Path | dict | GridConfig | None) -> GridConfig:
    """A grid configuration from a TOML file's path, a dict of the same keys, or as it is."""
    from bench.grid_config import GridConfig, load_grid_config, parse_grid_config

    if config is None:
        return GridConfig()
    if isinstance(config, GridConfig):
        return config
    if isinstance(config, dict):
        return parse_grid_config(config, "config")
    return load_grid_config(config)


def run_grid(
    datasets: list[str] | None = None,
    models: list[str] | None = None,
    *,
    profile: str | None = None,
    seeds: list[int] | None = None,
    results_dir: str | Path | None = None,
    config: str | Path | dict | GridConfig | None = None,
    lm: bool | None = None,
    report: bool = True,
    force: bool = False,
) -> pd.DataFrame:
    """Run a grid as ``bench all`` does (each run in its own process, resuming: runs already
    stored are not redone unless ``force``) and return its runs, one row each (the columns of
    ``load_results``).

    ``config``: a grid file's path, or a dict of its keys (``docs/grid-config.md``); the other
    arguments, when given, override it. Unset, ``profile`` is the config's or ``"default"``, and
    ``lm`` the config's or ``False`` (the language-modelling task is long). The
    ``bench.orchestrate.Outcome`` (failed runs, report path) is ``df.attrs["outcome"]``; failures
    are also printed on stderr. Runs that failed have no row."""
    from bench.orchestrate import run_all
    from bench.results import load_run

    settings = grid_config(config).override(
        datasets=datasets, models=models, profile=profile, seeds=seeds, lm=lm
    )
    outcome = run_all(
        **settings.run_all_kwargs(lm_default=False),
        results_dir=_results_dir(results_dir),
        force=force,
        report=report,
    )
    for line in outcome.notes():
        say(line)
    frame = results_frame([load_run(path) for path in outcome.grid.skipped + outcome.grid.done])
    frame.attrs["outcome"] = outcome
    return frame


def load_results(
    results_dir: str | Path | None = None, *, profile: str | None = None
) -> pd.DataFrame:
    """Every valid run under ``results_dir/runs`` (default ``$BENCH_RESULTS_DIR`` or
    ``./bench-results``), one row per run, optionally of one ``profile`` only. Result files that
    fail validation are left out, each named in a warning on stderr and listed in
    ``df.attrs["invalid"]``."""
    from bench.results import read_results

    folder = _results_dir(results_dir)
    if folder.exists() and not folder.is_dir():
        raise BenchError(f"results folder {folder} is a regular file, not a folder")
    results, invalid = read_results(folder)
    for problem in invalid:
        say(f"warning: left out {problem}")
    if profile is not None:
        results = [r for r in results if r.profile == profile]
    frame = results_frame(results)
    frame.attrs["invalid"] = list(invalid)
    return frame


def _row(r: RunResult) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "dataset": r.dataset,
        "model": r.model,
        "family": r.family,
        "tokenizer": r.tokenizer.get("name"),
        "profile": r.profile,
        "seed": r.seed,
        "language": r.language,
        "n_classes": r.n_classes,
        "accuracy": r.accuracy,
        "macro_f1": r.macro_f1,
        "train_size": r.train_size,
        "test_size": r.test_size,
        "max_train": r.max_train,
        "tokenize_seconds": r.tokenize_seconds,
        "fit_seconds": r.fit_seconds,
        "predict_seconds": r.predict_seconds,
        "fit_docs_per_s": r.fit_docs_per_s,
        "predict_docs_per_s": r.predict_docs_per_s,
        "peak_rss_mb": r.peak_rss_mb,
        "fit_memory_mb": r.fit_memory_mb,
        "n_parameters": r.n_parameters,
        "model_bytes": r.model_bytes,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "machine_cpu": r.machine.get("cpu"),
        "machine_cpu_count": r.machine.get("cpu_count"),
        "code_commit": r.machine.get("code_commit"),
        "data_sha256": r.data_sha256,
        "data_modified": r.data_modified,
        # JSON text, so every format (CSV, Parquet) holds them in one column of one type
        "model_params": json.dumps(r.model_params, sort_keys=True, ensure_ascii=False),
        "classes": json.dumps(r.classes, ensure_ascii=False),
    }


class _Blank:
    """A run with every field missing: what ``_row`` gives for it names the columns."""

    tokenizer: dict = {}
    machine: dict = {}

    def __getattr__(self, name: str) -> None:
        return None


#: the table's columns, in order (an empty table has them too)
COLUMNS = tuple(_row(_Blank()))  # type: ignore[arg-type]


def results_frame(results: list[RunResult]) -> pd.DataFrame:
    """One row per run (``load_results``'s columns), sorted by finish time; times as UTC
    timestamps, optional integers as pandas' nullable ``Int64``."""
    import pandas as pd

    frame = pd.DataFrame([_row(r) for r in results], columns=list(COLUMNS))
    for col in _NULLABLE_INTS:
        frame[col] = frame[col].astype("Int64")
    for col in ("started_at", "finished_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
    return frame.sort_values(["finished_at", "run_id"], ignore_index=True)


def write_results(frame: pd.DataFrame, fmt: str, output: str | Path | None = None) -> str | None:
    """``frame`` as CSV, JSON (an array of records) or Parquet: written atomically to ``output``
    (a temp file renamed into place: never half-written), or returned as text when ``output`` is
    ``None`` (Parquet, a binary format, needs ``output``)."""
    if fmt not in FORMATS:
        raise BenchError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise BenchError("parquet is a binary format: give --output FILE.parquet")
    writers: dict[str, Callable[[Any], Any]] = {
        "csv": lambda target: frame.to_csv(target, index=False, date_format="%Y-%m-%dT%H:%M:%S%z"),
        "json": lambda target: frame.to_json(
            target, orient="records", date_format="iso", force_ascii=False, indent=1
        ),
        "parquet": lambda target: _to_parquet(frame, target),
    }
    if output is None:
        return writers[fmt](None)
    _write_atomic(Path(output), writers[fmt])
    return None


def _to_parquet(frame: pd.DataFrame, target: Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise BenchError("parquet needs pyarrow: python -m pip install pyarrow") from None
    frame.to_parquet(target, index=False)


def _write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    from core.atomic import atomic_path
    from core.errors import why_unwritable

    def unwritable(exc: OSError) -> BenchError:
        return BenchError(f"cannot write {path}: {why_unwritable(exc)}; choose another --output")

    with atomic_path(path, on_error=unwritable, make_parents=False) as tmp:
        write(tmp)
