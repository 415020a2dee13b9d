"""Command line: ``python -m bench <command>``. One small function per subcommand.

Each parses its arguments and calls one function: ``bench.orchestrate`` plans and runs grids,
``reports`` renders.

Errors a user can cause end in one line on stderr and exit code 2, never a traceback; an
interrupt (Ctrl-C or SIGTERM) exits with 130 after the running child has stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from bench.errors import BenchError
from core.progress import say, stderr_guarded


def _results_dir(args) -> Path:
    from bench.results import results_home

    return Path(args.results_dir).resolve() if args.results_dir else results_home()


def _executor(args):
    """The executor ``--executor``, ``--jobs`` and ``--ray-address`` ask for."""
    from bench.executors import make_executor

    return make_executor(args.executor, jobs=args.jobs, ray_address=args.ray_address)


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


def cmd_run(args) -> int:
    """One fit and evaluation; ``--json`` prints the run's result on stdout."""
    from bench.runner import make_config, run

    config = make_config(
        args.dataset,
        args.model,
        tokenizer=args.tokenizer,
        profile=args.profile,
        seed=args.seed,
        params=_parse_params(args.param),
        max_train=args.max_train,
    )
    result = run(config, results_dir=None if args.no_save else _results_dir(args), quiet=args.quiet)
    if args.json:
        print(json.dumps(result.to_dict(with_predictions=False), ensure_ascii=False, indent=1))
    else:
        print(
            f"{config.label()}: accuracy {result.accuracy:.4f}, macro-F1 {result.macro_f1:.4f}, "
            f"fit {result.fit_seconds:.1f}s, predict {result.predict_docs_per_s:,.0f} docs/s"
        )
    return 0


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


def cmd_results(args) -> int:
    """Every valid run as one table (``bench.api.load_results``): CSV or JSON on stdout or in
    ``--output``, Parquet in ``--output``."""
    from bench.api import load_results, write_results

    if args.format == "parquet" and not args.output:
        raise BenchError("parquet is a binary format: give --output FILE.parquet")
    frame = load_results(_results_dir(args), profile=args.profile)
    text = write_results(frame, args.format, args.output)
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        print(f"{len(frame)} runs written to {args.output}", file=sys.stderr)
    return 0


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


def cmd_report(args) -> int:
    """Re-render the HTML report from stored results, running nothing (or print Markdown tables)."""
    from reports.html import render_report
    from reports.markdown import render_markdown

    comparison = _reference_comparison(args) if args.reference is not None else None
    if comparison is not None and args.markdown:
        from reports.reference import markdown_table

        print(markdown_table(comparison))
        return 0
    if not args.markdown:
        path = render_report(
            _results_dir(args),
            profile=args.profile,
            benchmarks=args.benchmarks,
            reference=comparison,
        )
        print(f"report: {path}")
        return 0
    text, note = render_markdown(_results_dir(args), args.profile)
    print(text)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _reference_comparison(args):
    """``--reference [PATH]``: the user's runs beside the reference, its summary on stderr."""
    from reports.reference import reference_comparison

    comparison, problems = reference_comparison(
        _results_dir(args), args.reference or None, args.profile
    )
    for problem in problems:
        print(f"warning: reference: left out {problem}", file=sys.stderr)
    print(comparison.summary(), file=sys.stderr)
    return comparison


def cmd_predict(args) -> int:
    """Class and probability of each text, from the model saved by the last run of that
    configuration."""
    from bench.runner import predict

    texts = list(args.texts)
    if args.input:
        try:
            lines = Path(args.input).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or exc  # a decode error has no strerror
            raise BenchError(
                f"cannot read --input {args.input}: {why}; give a UTF-8 text file with one text "
                "per line"
            ) from None
        texts += [line for line in lines if line.strip()]
    if not texts:
        raise BenchError(
            "nothing to predict: give one or more TEXT arguments or --input FILE "
            "(one text per line)"
        )
    preds = predict(
        args.dataset,
        args.model,
        texts,
        results_dir=_results_dir(args),
        profile=args.profile,
        tokenizer=args.tokenizer,
        seed=args.seed,
        with_known_tokens=True,
    )
    for label, prob, known in preds:
        doc = {"label": label, "probability": prob, "known_tokens": known}
        print(json.dumps(doc, ensure_ascii=False) if args.json else f"{label} {prob:.2%}")
    return 0


def cmd_tokenize(args) -> int:
    """Tokenize a dataset (through the token cache); report docs/s and tokens/doc."""
    from bench.tokenizers.measure import summary_line, tokenize_dataset

    report = tokenize_dataset(
        args.dataset,
        args.tokenizer,
        options=_parse_params(args.option),
        limit=args.limit,
        workers=args.workers,
        use_cache=False if args.no_cache else None,
        quiet=args.quiet,
    )
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else summary_line(report))
    return 0


def cmd_ngram(args) -> int:
    """Fit an n-gram language model on a text file and report its perplexity on another."""
    from baselines.ngram.textfiles import evaluate_files

    doc = evaluate_files(
        args.train,
        args.test,
        order=args.order,
        smoothing=args.smoothing,
        arpa=args.arpa,
        sample=args.sample,
        seed=args.seed,
    )
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    ppl = lambda x: "infinite" if x is None else f"{x:.2f}"  # noqa: E731
    ngrams = ", ".join(f"{n:,}" for n in doc["ngrams"])
    print(
        f"order {doc['order']} {doc['smoothing']} on {doc['train']}: "
        f"{doc['vocabulary_size']:,} words, n-grams {ngrams}, fit {doc['fit_seconds']:.2f}s"
    )
    print(
        f"{doc['test']}: perplexity {ppl(doc['perplexity'])} "
        f"(excluding OOVs {ppl(doc['perplexity_excl_oov'])}), {doc['oov']:,} OOVs, "
        f"{doc['tokens']:,} tokens, scored in {doc['score_seconds']:.2f}s"
    )
    if doc["arpa"]:
        print(f"ARPA model: {doc['arpa']}")
    if doc["samples"]:
        print(f"sampled from <s> (seed {doc['seed']}):")
        print(
            "\n".join(f"  {sentence or '(empty: </s> came first)'}" for sentence in doc["samples"])
        )
    return 0


def use_data_files(args) -> None:
    """Turn data files given as ``--dataset``/``--datasets`` into dataset names (remembered in the
    results folder for later commands and the grid's children); set the datasets file."""
    from bench.datasets import catalogue
    from bench.datasets.user_files import is_data_file

    if getattr(args, "datasets_file", None):
        os.environ[catalogue.DATASETS_FILE_ENV] = str(Path(args.datasets_file).resolve())
    results_dir = _results_dir(args) if hasattr(args, "results_dir") else None
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


def build_parser() -> argparse.ArgumentParser:
    from bench.arguments import build_parser as build

    return build(COMMANDS, __doc__.splitlines()[0])


def _terminate_as_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so SIGTERM cleans up (temp files, child processes) as Ctrl-C does


#: subcommand name -> its function (the parser is built in bench.arguments)
COMMANDS = {
    "list": cmd_list,
    "data": cmd_data,
    "run": cmd_run,
    "all": cmd_all,
    "lm": cmd_lm,
    "sweep": cmd_sweep,
    "scale": cmd_scale,
    "report": cmd_report,
    "results": cmd_results,
    "predict": cmd_predict,
    "tokenize": cmd_tokenize,
    "ngram": cmd_ngram,
}


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    # progress never decides whether a result is saved: a closed stderr only silences it
    with stderr_guarded():
        try:
            use_data_files(args)
            code = args.func(args)
        except BenchError as exc:
            say(f"error: {exc}")
            code = 2
        except KeyboardInterrupt:
            grid = "interrupted; completed runs are saved, run the same command again to resume"
            say(getattr(args, "interrupt_message", grid))
            code = 130
        except BrokenPipeError:  # stdout's reader went away (`| head`): what was saved stays saved
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = 141
    sys.exit(code)
