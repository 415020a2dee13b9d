"""Command line: ``python -m bench <command>``. One small function per subcommand.

Each parses its arguments and calls one function: ``bench.runner`` runs one configuration,
``reports`` renders; ``list``, ``data`` and data files named as datasets are in ``bench.cli_data``,
the grid commands (``all``, ``lm``, ``sweep``, ``scale``: ``bench.orchestrate``) in
``bench.cli_grid``.

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

from bench.cli_data import cmd_data, cmd_list, use_data_files
from bench.cli_data import results_dir_of as _results_dir
from bench.cli_grid import cmd_all, cmd_lm, cmd_scale, cmd_sweep
from bench.errors import BenchError
from core.progress import say, stderr_guarded


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


def entry() -> None:
    """The program (``python -m bench``, the ``bench`` script): :func:`main`, whose exit then
    ignores a stop asked for meanwhile: the command is over and has said so, and a Ctrl-C to a
    grid's process group or a grid stopping its children must not turn the interpreter's exit into
    a traceback."""
    try:
        main()
    except KeyboardInterrupt:  # a second stop while the first was being reported
        _exit_quietly()
        sys.exit(130)
    finally:
        _exit_quietly()


def _exit_quietly() -> None:
    """Ignore Ctrl-C and let SIGTERM end the process at once, even if one arrives meanwhile."""
    while True:
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return
        except KeyboardInterrupt:
            continue
