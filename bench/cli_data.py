"""The data side of the command line: ``bench list``, ``bench data`` (file status and
``--describe``), and turning data files named on the command line into dataset names
(``use_data_files``, run before every command). ``bench.cli`` and ``bench.cli_grid`` hold the
other commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.errors import BenchError
from core.progress import say


def results_dir_of(args) -> Path:
    """The results folder a command's ``--results-dir`` names, else the results home."""
    from bench.results import results_home

    return Path(args.results_dir).resolve() if args.results_dir else results_home()


def cmd_list(args) -> int:
    """Registered datasets, models, tokenizers, n-gram smoothings and neural language models."""
    from baselines.ngram import SMOOTHINGS
    from bench.models import LANGUAGE_MODELS, MODELS
    from bench.plugins import listed
    from bench.tokenizers import TOKENIZERS

    plugins, clashes = listed(list(MODELS))  # entry points named, none imported
    for line in clashes:
        say(f"warning: {line}")
    doc = {
        "datasets": _dataset_rows(),
        "models": [MODELS.get(n).describe() for n in MODELS] + plugins,
        "tokenizers": [{"name": n} for n in TOKENIZERS],
        "smoothings": [{"name": n} for n in SMOOTHINGS],
        "language_models": [LANGUAGE_MODELS.get(n).describe() for n in LANGUAGE_MODELS],
    }
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print("datasets:")
    for d in doc["datasets"]:
        if "error" in d:
            sizes = f"unusable: {d['error']}"
        elif "train_size" in d:
            modified = "checksum mismatch" in d["files"].values()
            sizes = f"{d['train_size']:,} / {d['test_size']:,}" + (" (modified data)" * modified)
        else:
            sizes = "files missing"
        print(
            f"  {d['name']:<18} {d['language']}  {d['task']:<28} {d['n_classes']:>2} classes  "
            f"{sizes}"
        )
    print("models:")
    for m in doc["models"]:
        print(f"  {m['name']:<18} {m['family']:<8} {m['description']}")
    print("tokenizers:", ", ".join(t["name"] for t in doc["tokenizers"]))
    print(
        "n-gram smoothings (bench lm, bench ngram):",
        ", ".join(s["name"] for s in doc["smoothings"]),
    )
    print("neural language models (bench lm):")
    for m in doc["language_models"]:
        print(f"  {m['name']:<18} {m['description']}")
    return 0


def _dataset_rows() -> list[dict]:
    """``bench list``'s dataset rows: the registered ones, then the user's data files (a file
    that cannot be read is its row's error, never the end of the listing)."""
    from bench.datasets import DATASETS, catalogue, dataset_names, get_dataset

    rows = []
    for name in dataset_names():
        try:
            rows.append(get_dataset(name).describe(with_sizes=True))
        except BenchError as exc:
            source = catalogue.lookup(name)
            rows.append(
                {
                    "name": name,
                    "language": "?",
                    "task": "your file",
                    "n_classes": 0,
                    "user_supplied": True,
                    "files": {source.path if source else name: "unusable"},
                    "error": str(exc),
                }
            )
        if name not in DATASETS:
            rows[-1]["source"] = catalogue.lookup(name).to_dict()
    return rows


def cmd_data(args) -> int:
    """Per dataset file: present, missing or failing its checksum; optionally download.

    ``--download`` fetches missing files, and replaces files failing their checksum for the
    datasets named; it is refused in one line when ``BENCH_OFFLINE`` forbids downloads.
    ``--describe NAME`` instead describes one dataset (``bench.describe``).
    """
    if args.describe:
        return _describe(args)
    if args.json:
        raise BenchError("--json goes with --describe NAME; the file status is printed as text")
    from bench.datahome import allow_modified, data_home, fetch, file_status, offline
    from bench.datasets import DATASETS, get_dataset

    names = args.datasets or list(DATASETS)
    specs = [get_dataset(name) for name in names]  # a misspelt name fails before any output
    if args.download and offline():
        raise BenchError(
            "downloads are off (BENCH_OFFLINE=1): unset BENCH_OFFLINE to run "
            "`python -m bench data --download`, or copy the files into the data home yourself."
        )
    print(f"data home: {data_home()}  (set BENCH_DATA_HOME to change it)")
    problems = 0
    for name, spec in zip(names, specs):
        for f in spec.files:
            status = file_status(f)
            refetch = status == "checksum mismatch" and name in (args.datasets or ())
            if args.download and f.downloadable and (status == "missing" or refetch):
                try:
                    fetch(f)
                    status = file_status(f)
                except (OSError, BenchError) as exc:
                    status += f" (download failed: {str(exc).splitlines()[0][:120]})"
            elif status == "checksum mismatch":
                status += (
                    " (used: BENCH_ALLOW_MODIFIED_DATA=1)"
                    if allow_modified()
                    else f" (refused; re-fetch: python -m bench data --download {name})"
                )
            note = " (user-supplied)" if spec.user_supplied else ""
            print(f"  {name:<18} {f.relpath:<55} {status}{note}")
            problems += status != "present" and not spec.user_supplied
    return 1 if problems else 0


def _describe(args) -> int:
    from bench.describe import describe_dataset, summary_lines

    if args.datasets or args.download:
        raise BenchError(
            "--describe takes one dataset and no other arguments; check or download files with "
            "a separate `python -m bench data` command"
        )
    doc = describe_dataset(args.describe)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        print("\n".join(summary_lines(doc)))
    return 0


def use_data_files(args) -> None:
    """Turn data files given as ``--dataset``/``--datasets`` into dataset names (remembered in the
    results folder for later commands and the grid's children); set the datasets file."""
    from bench.datasets import catalogue
    from bench.datasets.user_files import is_data_file

    if getattr(args, "datasets_file", None):
        os.environ[catalogue.DATASETS_FILE_ENV] = str(Path(args.datasets_file).resolve())
    results_dir = results_dir_of(args) if hasattr(args, "results_dir") else None
    catalogue.use_results_dir(results_dir)
    options = {
        key: getattr(args, key, None)
        for key in (
            "text_column",
            "label_column",
            "test_file",
            "test_size",
            "split_seed",
            "language",
            "drop_empty",
        )
    }
    remember = results_dir if not getattr(args, "no_save", False) else None
    field = "describe" if getattr(args, "describe", None) else "dataset"
    one = isinstance(getattr(args, field, None), str)
    given = [getattr(args, field)] if one else list(getattr(args, "datasets", None) or [])
    files = [d for d in given if is_data_file(d)]
    if getattr(args, "name", None) and len(files) != 1:
        raise BenchError("--name names one data file; give exactly one file with it")
    named = {
        d: catalogue.use_file(d, name=args.name, results_dir=remember, **options) for d in files
    }
    if not files and any(v is not None for v in options.values()):
        flags = [f"--{k.replace('_', '-')}" for k, v in options.items() if v is not None]
        raise BenchError(
            f"{', '.join(flags)} describe(s) a data file, but no --dataset is a .csv, .tsv, "
            ".jsonl or .parquet file"
        )
    if one:
        setattr(args, field, named.get(given[0], given[0]))
    elif given:
        args.datasets = [named.get(d, d) for d in given]
