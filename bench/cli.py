"""Command line: ``python -m bench <command>``. One small function per subcommand.

Errors a user can cause end in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.errors import BenchError


def _results_dir(args) -> Path:
    from bench.results import results_home

    return Path(args.results_dir).resolve() if args.results_dir else results_home()


def _parse_params(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise BenchError(f"--param expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def cmd_list(args) -> int:
    """Registered datasets, models and tokenizers."""
    from bench.datasets import DATASETS
    from bench.models import MODELS
    from bench.tokenizers import TOKENIZERS

    doc = {
        "datasets": [DATASETS.get(n).describe(with_sizes=True) for n in DATASETS],
        "models": [MODELS.get(n).describe() for n in MODELS],
        "tokenizers": [{"name": n} for n in TOKENIZERS],
    }
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print("datasets:")
    for d in doc["datasets"]:
        sizes = f"{d['train_size']:,} / {d['test_size']:,}" if "train_size" in d else "files missing"
        print(f"  {d['name']:<18} {d['language']}  {d['task']:<28} {d['n_classes']:>2} classes  {sizes}")
    print("models:")
    for m in doc["models"]:
        print(f"  {m['name']:<18} {m['family']:<8} {m['description']}")
    print("tokenizers:", ", ".join(t["name"] for t in doc["tokenizers"]))
    return 0


def cmd_data(args) -> int:
    """Per dataset file: present, missing or failing its checksum; optionally download."""
    from bench.datahome import data_home, fetch, file_status
    from bench.datasets import DATASETS

    names = args.datasets or list(DATASETS)
    print(f"data home: {data_home()}  (set BENCH_DATA_HOME to change it)")
    problems = 0
    for name in names:
        spec = DATASETS.get(name)
        for f in spec.files:
            status = file_status(f)
            if status == "missing" and args.download and f.downloadable:
                try:
                    fetch(f)
                    status = file_status(f)
                except OSError as exc:
                    status = f"missing (download failed: {str(exc).splitlines()[0][:120]})"
            note = " (user-supplied)" if spec.user_supplied else ""
            print(f"  {name:<18} {f.relpath:<55} {status}{note}")
            problems += status != "present" and not spec.user_supplied
    return 1 if problems else 0


def cmd_run(args) -> int:
    """One fit and evaluation; ``--json`` prints the run's result on stdout."""
    from bench.runner import make_config, run

    config = make_config(args.dataset, args.model, tokenizer=args.tokenizer, profile=args.profile,
                         seed=args.seed, params=_parse_params(args.param))
    result = run(config, results_dir=None if args.no_save else _results_dir(args), quiet=args.quiet)
    if args.json:
        print(json.dumps(result.to_dict(with_predictions=False), ensure_ascii=False, indent=1))
    else:
        print(f"{config.label()}: accuracy {result.accuracy:.4f}, macro-F1 {result.macro_f1:.4f}, "
              f"fit {result.fit_seconds:.1f}s, predict {result.predict_docs_per_s:,.0f} docs/s")
    return 0


def cmd_all(args) -> int:
    """The grid of datasets x models x seeds, then the HTML report."""
    from bench.datasets import BENCHMARK_DATASETS
    from bench.grid import plan, run_grid
    from bench.models import MODELS
    from reports.html import render_report

    results_dir = _results_dir(args)
    configs = plan(args.datasets or list(BENCHMARK_DATASETS), args.models or list(MODELS),
                   args.seeds or [0], args.profile)
    print(f"{len(configs)} runs, profile {args.profile!r}, results in {results_dir}", file=sys.stderr)
    outcome = run_grid(configs, results_dir, force=args.force)
    report = render_report(results_dir, profile=args.profile)
    print(f"report: {report}")
    if outcome.failed:
        print(f"{len(outcome.failed)} run(s) failed:", file=sys.stderr)
        for config, reason in outcome.failed:
            print(f"  {config.label()}: {reason}", file=sys.stderr)
        return 1
    return 0


def cmd_report(args) -> int:
    """Re-render the HTML report from stored results, running nothing."""
    from reports.html import render_report

    print(f"report: {render_report(_results_dir(args), profile=args.profile)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("list", help="registered datasets, models and tokenizers")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("data", help="which dataset files are present; --download fetches missing ones")
    s.add_argument("datasets", nargs="*")
    s.add_argument("--download", action="store_true")
    s.set_defaults(func=cmd_data)

    for name, func, help_ in (("run", cmd_run, "one fit and evaluation"),
                              ("all", cmd_all, "the benchmark grid and its report"),
                              ("report", cmd_report, "re-render the report from stored results")):
        s = sub.add_parser(name, help=help_)
        s.add_argument("--profile", default="default")
        s.add_argument("--results-dir", help="default: $BENCH_RESULTS_DIR or ./bench-results")
        s.set_defaults(func=func)
        if name == "run":
            s.add_argument("--dataset", required=True)
            s.add_argument("--model", required=True)
            s.add_argument("--tokenizer")
            s.add_argument("--seed", type=int, default=0)
            s.add_argument("--param", action="append", metavar="KEY=VALUE", help="hyperparameter override")
            s.add_argument("--json", action="store_true")
            s.add_argument("--quiet", action="store_true")
            s.add_argument("--no-save", action="store_true")
        if name == "all":
            s.add_argument("--datasets", nargs="+")
            s.add_argument("--models", nargs="+")
            s.add_argument("--seeds", nargs="+", type=int)
            s.add_argument("--force", action="store_true", help="redo runs that already have results")
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("interrupted; completed runs are saved, run the same command again to resume", file=sys.stderr)
        code = 130
    sys.exit(code)
