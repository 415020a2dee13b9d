"""Command line: ``python -m bench <command>``. One small function per subcommand.

Errors a user can cause end in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
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
    """Registered datasets, models, tokenizers, n-gram smoothings and neural language models."""
    from baselines.ngram import SMOOTHINGS
    from bench.datasets import DATASETS
    from bench.models import LANGUAGE_MODELS, MODELS
    from bench.tokenizers import TOKENIZERS

    doc = {
        "datasets": [DATASETS.get(n).describe(with_sizes=True) for n in DATASETS],
        "models": [MODELS.get(n).describe() for n in MODELS],
        "tokenizers": [{"name": n} for n in TOKENIZERS],
        "smoothings": [{"name": n} for n in SMOOTHINGS],
        "language_models": [LANGUAGE_MODELS.get(n).describe() for n in LANGUAGE_MODELS],
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
    print("n-gram smoothings (bench lm, bench ngram):", ", ".join(s["name"] for s in doc["smoothings"]))
    print("neural language models (bench lm):")
    for m in doc["language_models"]:
        print(f"  {m['name']:<18} {m['description']}")
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
                         seed=args.seed, params=_parse_params(args.param), max_train=args.max_train)
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
    from bench.grid import plan, shard
    from bench.profiles import get_profile

    seeds = args.seeds or list(get_profile(args.profile).seeds)
    datasets = args.datasets or list(BENCHMARK_DATASETS)
    models = args.models or get_profile(args.profile).grid_models()
    configs = shard(plan(datasets, models, seeds, args.profile), args.shard)
    lm_datasets = [] if args.no_lm or args.models or args.shard else datasets
    return _run_and_report(configs, args, lm_datasets=lm_datasets)


def cmd_lm(args) -> int:
    """The language-modelling task on each dataset: every n-gram smoothing and order, neural LMs."""
    from bench.datasets import BENCHMARK_DATASETS
    from bench.lm_task import run_lm_dataset

    for dataset in args.datasets or list(BENCHMARK_DATASETS):
        run_lm_dataset(dataset, profile=args.profile, results_dir=_results_dir(args), force=args.force,
                       neural=() if args.no_neural else args.neural)
    return 0


def _run_lm_children(datasets: list[str], args, results_dir: Path) -> list[str]:
    """The LM task per dataset, each in its own process like the grid's runs; failed datasets."""
    from bench.grid import run_child

    failed = []
    for i, dataset in enumerate(datasets, start=1):
        print(f"[LM {i}/{len(datasets)}] {dataset}: n-gram and neural language models", file=sys.stderr)
        cmd = [sys.executable, "-m", "bench", "lm", "--datasets", dataset, "--profile", args.profile,
               "--results-dir", str(results_dir)] + (["--force"] if args.force else [])
        code, last = run_child(cmd)
        if code != 0:
            failed.append(f"{dataset} language models: {last or f'exit code {code}'}")
            if code in (-2, 130):
                raise KeyboardInterrupt
    return failed


def cmd_sweep(args) -> int:
    """Accuracy against training-set size: each (dataset, size, model, seed) an ordinary run."""
    from bench import sweep

    sizes = sweep.parse_sizes(args.sizes, sweep.SWEEP_SIZES)
    models = args.models or sweep.default_models(sweep.SWEEP_MODELS)
    configs = sweep.plan_sizes(args.datasets or ["imdb"], models, sizes, args.seeds or [0], args.profile)
    return _run_and_report(configs, args)


def cmd_scale(args) -> int:
    """Fit time and peak memory against data size, on the raw NSMC crawl by default."""
    from bench import sweep
    from bench.lm_scale import LM_SCALE_SIZES, run_lm_scale

    configs = sweep.plan_scale(
        args.dataset, args.models or sweep.default_models(sweep.SCALE_CLASSIC_MODELS),
        sweep.parse_sizes(args.sizes, sweep.SCALE_CLASSIC_SIZES),
        args.neural_models if args.neural_models is not None else sweep.default_models(sweep.SCALE_NEURAL_MODELS),
        sweep.parse_sizes(args.neural_sizes, sweep.SCALE_NEURAL_SIZES), args.profile, args.seed)
    lm_sizes = sweep.parse_sizes(args.lm_sizes, LM_SCALE_SIZES) if args.lm_sizes != [] else []

    def lm_scale(results_dir: Path) -> None:
        if lm_sizes:
            print(f"n-gram language model on {len(lm_sizes)} sizes of {args.dataset}", file=sys.stderr)
            run_lm_scale(args.dataset, lm_sizes, profile=args.profile, results_dir=results_dir, force=args.force)

    return _run_and_report(configs, args, then=lm_scale)


def _run_and_report(configs: list, args, *, lm_datasets: list[str] = (), then=None) -> int:
    """Run the configurations not yet stored (and the LM task on ``lm_datasets``, and
    ``then(results_dir)``), then render the report; 1 if any run failed."""
    from bench.grid import run_grid
    from reports.html import render_report

    results_dir = _results_dir(args)
    print(f"{len(configs)} runs, profile {args.profile!r}, results in {results_dir}", file=sys.stderr)
    outcome = run_grid(configs, results_dir, force=args.force)
    lm_failed = _run_lm_children(list(lm_datasets), args, results_dir)
    if then is not None:
        then(results_dir)
    if not args.no_report and list((results_dir / "runs").glob("*.json")):
        print(f"report: {render_report(results_dir, profile=args.profile)}")
    if outcome.busy:
        print(f"{len(outcome.busy)} run(s) are being run by another process; run the same command again "
              "when it has finished to render them", file=sys.stderr)
    if outcome.failed or lm_failed:
        print(f"{len(outcome.failed) + len(lm_failed)} run(s) failed:", file=sys.stderr)
        for config, reason in outcome.failed:
            print(f"  {config.label()}: {reason}", file=sys.stderr)
        for line in lm_failed:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def cmd_report(args) -> int:
    """Re-render the HTML report from stored results, running nothing (or print Markdown tables)."""
    from reports.html import render_report

    if args.markdown:
        return _markdown(args)
    path = render_report(_results_dir(args), profile=args.profile, benchmarks=args.benchmarks)
    print(f"report: {path}")
    return 0


def _markdown(args) -> int:
    from reports.markdown import markdown_report
    from reports.superseded import load_current

    results_dir = _results_dir(args)
    results, lm, note = load_current(results_dir)
    profiles = sorted({r.profile for r in results} | set(lm["profile"]))
    if not profiles:
        raise BenchError(f"no results in {results_dir}; run `python -m bench all` first")
    if args.profile is not None and args.profile not in profiles:
        raise BenchError(f"no results for profile {args.profile!r} in {results_dir} (there are: "
                         f"{', '.join(profiles)})")
    print("\n".join(markdown_report(results, lm, p) for p in ([args.profile] if args.profile else profiles)))
    if note:
        print(f"note: {note}", file=sys.stderr)
    return 0


def cmd_predict(args) -> int:
    """Class and probability of each text, from the model saved by the last run of that configuration."""
    from bench.runner import predict

    texts = list(args.texts)
    if args.input:
        try:
            lines = Path(args.input).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BenchError(f"cannot read --input {args.input}: {exc.strerror or exc}; give a UTF-8 text "
                             "file with one text per line") from None
        texts += [line for line in lines if line.strip()]
    if not texts:
        raise BenchError("nothing to predict: give one or more TEXT arguments or --input FILE (one text per line)")
    preds = predict(args.dataset, args.model, texts, results_dir=_results_dir(args), profile=args.profile,
                    tokenizer=args.tokenizer, seed=args.seed)
    for label, prob in preds:
        print(json.dumps({"label": label, "probability": prob}, ensure_ascii=False) if args.json
              else f"{label} {prob:.2%}")
    return 0


def cmd_tokenize(args) -> int:
    """Tokenize a dataset (through the token cache); report docs/s and tokens/doc."""
    from bench.tokenizers.measure import summary_line, tokenize_dataset

    report = tokenize_dataset(args.dataset, args.tokenizer, options=_parse_params(args.option),
                              limit=args.limit, workers=args.workers,
                              use_cache=False if args.no_cache else None, quiet=args.quiet)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else summary_line(report))
    return 0


def cmd_ngram(args) -> int:
    """Fit an n-gram language model on a text file and report its perplexity on another."""
    from baselines.ngram.textfiles import evaluate_files
    from core.scoring import LMInputError

    try:
        doc = evaluate_files(args.train, args.test, order=args.order, smoothing=args.smoothing, arpa=args.arpa,
                             sample=args.sample, seed=args.seed)
    except LMInputError as exc:
        raise BenchError(str(exc)) from None
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    ppl = lambda x: "infinite" if x is None else f"{x:.2f}"  # noqa: E731
    print(f"order {doc['order']} {doc['smoothing']} on {doc['train']}: {doc['vocabulary_size']:,} words, "
          f"n-grams {', '.join(f'{n:,}' for n in doc['ngrams'])}, fit {doc['fit_seconds']:.2f}s")
    print(f"{doc['test']}: perplexity {ppl(doc['perplexity'])} (excluding OOVs {ppl(doc['perplexity_excl_oov'])}), "
          f"{doc['oov']:,} OOVs, {doc['tokens']:,} tokens, scored in {doc['score_seconds']:.2f}s")
    if doc["arpa"]:
        print(f"ARPA model: {doc['arpa']}")
    if doc["samples"]:
        print(f"sampled from <s> (seed {doc['seed']}):")
        print("\n".join(f"  {sentence or '(empty: </s> came first)'}" for sentence in doc["samples"]))
    return 0


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
    "predict": cmd_predict,
    "tokenize": cmd_tokenize,
    "ngram": cmd_ngram,
}


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        code = args.func(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("interrupted; completed runs are saved, run the same command again to resume", file=sys.stderr)
        code = 130
    sys.exit(code)
