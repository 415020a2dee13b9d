"""The command line's arguments: one subparser per ``python -m bench`` subcommand.

``bench.cli`` holds the commands themselves and passes them in by name.
"""

from __future__ import annotations

import argparse
from typing import Callable


def _integer_at_least(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``, else argparse's one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{what}, got {text!r}")
        return value

    return parse


seed = _integer_at_least(0, "a seed is a non-negative integer")
documents = _integer_at_least(1, "a number of documents is a positive integer")


jobs = _integer_at_least(1, "--jobs is a positive number of runs at once")

RESULTS_DIR_HELP = "default: $BENCH_RESULTS_DIR or ./bench-results"
NO_REPORT_HELP = "only run; `bench report` renders later"
SHIPPED_REFERENCE = ""  # `--reference` without a path: reports.reference.SHIPPED


def build_parser(commands: dict[str, Callable], description: str) -> argparse.ArgumentParser:
    """The parser of every subcommand; ``commands`` maps a subcommand's name to its function."""
    p = argparse.ArgumentParser(prog="python -m bench", description=description)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("list", help="registered datasets, models and tokenizers")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=commands["list"])
    s = sub.add_parser(
        "data", help="which dataset files are present; --download fetches missing ones"
    )
    s.add_argument("datasets", nargs="*")
    s.add_argument(
        "--download",
        action="store_true",
        help="fetch missing files, and re-fetch files failing their checksum for the datasets "
        "named; refused when BENCH_OFFLINE=1",
    )
    s.add_argument(
        "--describe",
        metavar="NAME",
        help="describe one dataset: sizes, text lengths, vocabulary, duplicates and train/test "
        "leakage (cached; docs/data.md)",
    )
    s.add_argument("--json", action="store_true", help="with --describe: the description as JSON")
    s.set_defaults(func=commands["data"])
    _add_run_commands(sub, commands)
    _add_results_command(sub, commands)
    _add_size_commands(sub, commands)
    _add_ngram_command(sub, commands)
    _add_lm_command(sub, commands)
    _add_text_commands(sub, commands)
    for name, parser in sub.choices.items():
        if name != "ngram":
            add_file_dataset_options(parser, with_columns=name not in ("list", "report"))
    return p


def _add_run_commands(sub, commands: dict[str, Callable]) -> None:
    """``run`` (one run), ``all`` (the grid) and ``report``, which share --profile and
    --results-dir."""
    helps = {
        "run": "one fit and evaluation",
        "all": "the benchmark grid and its report",
        "report": "re-render the report from stored results",
    }
    for name, help_ in helps.items():
        s = sub.add_parser(name, help=help_)
        s.add_argument(
            "--profile",
            default="default" if name == "run" else None,  # all: None, so --config's can apply
            help={
                "run": "default: 'default'",
                "all": "default: --config's, else 'default'",
                "report": "default: every profile, the latest as index.html",
            }[name],
        )
        s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
        s.set_defaults(func=commands[name])
        {"run": _add_run_options, "all": _add_all_options, "report": _add_report_options}[name](s)


#: what --model and --models take (bench.plugins)
_MODEL_HELP = "a name from `bench list`, or package.module:Class (docs/your-model.md)"


def _add_run_options(s) -> None:
    s.add_argument("--dataset", required=True)
    s.add_argument("--model", required=True, help=_MODEL_HELP)
    s.add_argument("--tokenizer")
    s.add_argument("--seed", type=seed, default=0)
    s.add_argument("--param", action="append", metavar="KEY=VALUE", help="hyperparameter override")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--no-save", action="store_true")
    s.add_argument(
        "--max-train",
        type=documents,
        metavar="N",
        help="train on a stratified slice of N documents",
    )


def _add_all_options(s) -> None:
    s.add_argument(
        "--config",
        metavar="GRID.toml",
        help="read the grid (profile, datasets, models, seeds, tokenizers, params, ...) from a "
        "TOML file (docs/grid-config.md); flags given here override it",
    )
    s.add_argument("--datasets", nargs="+")
    s.add_argument("--models", nargs="+", help=f"default: the profile's; each {_MODEL_HELP}")
    s.add_argument(
        "--seeds",
        nargs="+",
        type=seed,
        help="default: the profile's seeds; when given, the language-modelling task "
        "runs them too (else seed 0 only, as `bench lm`)",
    )
    s.add_argument("--force", action="store_true", help="redo runs that already have results")
    s.add_argument(
        "--shard", metavar="K/N", help="run only every N-th run from the K-th (multi-machine)"
    )
    s.add_argument("--no-report", action="store_true", help=NO_REPORT_HELP)
    s.add_argument(
        "--no-lm",
        action="store_true",
        default=None,  # None: not given, so --config's `lm` can apply
        help="skip the language-modelling task (it is also skipped when --models or --shard "
        "is given, unless --config says lm = true)",
    )
    add_executor_options(s)


def add_executor_options(s, *, jobs_help: str = "", executor_help: str = "") -> None:
    """``--jobs``, ``--executor`` and ``--ray-address``: who runs a grid's runs
    (``bench.executors``); ``bench lm`` words the first two for its datasets."""
    s.add_argument(
        "--jobs",
        type=jobs,
        metavar="N",
        help=jobs_help
        or "run N runs at once on this machine, each with its share of the cores (default: "
        "one per core, as memory allows; 1: one after the other)",
    )
    s.add_argument(
        "--executor",
        choices=("local", "ray"),
        default="local",
        help=executor_help
        or "local: child processes on this machine (default); ray: one Ray task per run "
        "(pip install 'nlp-bench[ray]')",
    )
    s.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="the Ray cluster to use (e.g. auto, or ray://head:10001); default: start a "
        "local Ray instance on this machine's cores",
    )


def _add_results_command(sub, commands: dict[str, Callable]) -> None:
    s = sub.add_parser("results", help="every stored run as one table: CSV, JSON or Parquet")
    s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
    s.add_argument("--profile", help="only this profile's runs (default: every profile)")
    s.add_argument("--format", required=True, choices=("csv", "json", "parquet"))
    s.add_argument(
        "--output",
        metavar="FILE",
        help="write here (atomically) instead of stdout; parquet needs it",
    )
    s.set_defaults(func=commands["results"])


def _add_report_options(s) -> None:
    s.add_argument(
        "--benchmarks",
        metavar="FILE",
        help="pytest-benchmark JSON to fold in (kept "
        "as RESULTS_DIR/benchmarks.json; that file is picked up by default)",
    )
    s.add_argument(
        "--markdown",
        action="store_true",
        help="print the profile's accuracy and "
        "perplexity tables as Markdown (every profile when none is given), each with "
        "the number, dates and machines of its runs; no HTML",
    )
    s.add_argument(
        "--reference",
        nargs="?",
        const=SHIPPED_REFERENCE,
        metavar="PATH",
        help="show your runs beside the reference results (default: the shipped "
        "reference/default-profile.tar.gz of a source checkout): accuracy difference, speed "
        "ratios, flagged where they differ beyond the seed spread; with --markdown as one table",
    )


def _add_lm_command(sub, commands: dict[str, Callable]) -> None:
    s = sub.add_parser(
        "lm", help="the language-modelling task: perplexity per smoothing, order, neural LM"
    )
    s.add_argument("--datasets", nargs="+")
    s.add_argument("--profile", default="default")
    s.add_argument(
        "--seeds",
        nargs="+",
        type=seed,
        help="run the task once per seed (default: 0 "
        "only, not the profile's seeds; each seed is a run of its own, stored beside "
        "the others)",
    )
    s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
    s.add_argument(
        "--force",
        action="store_true",
        help="redo models that already have results, "
        "and train neural LMs anew instead of restoring them",
    )
    s.add_argument("--no-neural", action="store_true", help="n-gram models only")
    s.add_argument(
        "--neural",
        nargs="+",
        metavar="NAME",
        help="only these of the profile's neural LMs (rnn-lm, lstm-lm, gru-lm)",
    )
    add_executor_options(
        s,
        jobs_help="N datasets at once, each in a child process with its share of the cores",
        executor_help="local: this process, or a child per dataset with --jobs (default); ray: "
        "a Ray task per dataset (pip install 'nlp-bench[ray]')",
    )
    s.set_defaults(func=commands["lm"])


def _add_text_commands(sub, commands: dict[str, Callable]) -> None:
    """``predict`` (classify texts) and ``tokenize`` (tokenizer speed)."""
    s = sub.add_parser("predict", help="classify texts with the model saved by the last run")
    s.add_argument("texts", nargs="*", metavar="TEXT")
    s.add_argument("--dataset", required=True)
    s.add_argument("--model", required=True, help=_MODEL_HELP)
    s.add_argument("--input", metavar="FILE", help="one text per line")
    s.add_argument(
        "--json", action="store_true", help="one JSON object per line: label, probability"
    )
    s.add_argument("--profile", default="default")
    s.add_argument("--tokenizer", help="only a model trained with this tokenizer")
    s.add_argument("--seed", type=seed, help="only a model trained with this seed")
    s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
    s.set_defaults(func=commands["predict"])
    s = sub.add_parser(
        "tokenize", help="tokenize a dataset (cached) and report docs/s and tokens/doc"
    )
    s.add_argument("--dataset", required=True)
    s.add_argument("--tokenizer", required=True)
    s.add_argument(
        "--limit", type=int, metavar="N", help="only the first N documents (train, then test)"
    )
    s.add_argument(
        "--workers", type=int, metavar="K", help="processes (default: 2+ for slow analyzers)"
    )
    s.add_argument(
        "--option", action="append", metavar="KEY=VALUE", help="tokenizer option, e.g. pos=true"
    )
    s.add_argument("--no-cache", action="store_true", help="neither read nor write the token cache")
    s.add_argument(
        "--json", action="store_true", help="one JSON object: docs_per_s, tokens_per_doc, ..."
    )
    s.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    s.set_defaults(func=commands["tokenize"])


def _add_size_commands(sub, commands: dict[str, Callable]) -> None:
    """``sweep`` (accuracy vs training size) and ``scale`` (fit time and memory vs data size)."""
    s = sub.add_parser("sweep", help="data-efficiency sweep: accuracy against training-set size")
    s.add_argument("--datasets", "--dataset", nargs="+", help="default: imdb")
    s.add_argument(
        "--models",
        nargs="+",
        help=f"default: nb, the linear models and the main neural ones; each {_MODEL_HELP}",
    )
    s.add_argument(
        "--sizes",
        nargs="+",
        help="training documents per point, or 'full' (default 1000 5000 25000 full)",
    )
    s.add_argument("--seeds", nargs="+", type=seed)
    s.set_defaults(func=commands["sweep"])
    t = sub.add_parser("scale", help="fit time and peak memory against data size (raw NSMC crawl)")
    t.add_argument("--dataset", default="nsmc-raw")
    t.add_argument("--models", nargs="+", help="classic models (default: nb)")
    t.add_argument("--sizes", nargs="+", help="their sizes (default 10k 30k 100k 300k full)")
    t.add_argument("--neural-models", nargs="*", help="default: lstm; give none to skip")
    t.add_argument("--neural-sizes", nargs="+", help="their sizes (default 2k 5k 10k 20k)")
    t.add_argument(
        "--lm-sizes",
        nargs="*",
        help="reviews for the order-3 Kneser-Ney LM (default "
        "10k 30k 100k 300k full: ~650k, every review outside the test set); give none "
        "to skip",
    )
    t.add_argument("--seed", type=seed, default=0)
    t.set_defaults(func=commands["scale"])
    for s in (s, t):
        s.add_argument("--profile", default="default")
        s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
        s.add_argument("--force", action="store_true", help="redo runs that already have results")
        s.add_argument("--no-report", action="store_true", help=NO_REPORT_HELP)
        add_executor_options(s)


def _add_ngram_command(sub, commands: dict[str, Callable]) -> None:
    from baselines.ngram.textfiles import MAX_SAMPLE, normalised_smoothings

    def sample_count(text: str) -> int:
        value = _integer_at_least(1, f"--sample draws 1 to {MAX_SAMPLE} sentences")(text)
        if value > MAX_SAMPLE:
            raise argparse.ArgumentTypeError(
                f"--sample draws at most {MAX_SAMPLE} sentences, got {text!r}"
            )
        return value

    s = sub.add_parser(
        "ngram", help="an n-gram language model of your own text: perplexity, ARPA export"
    )
    s.add_argument(
        "--train", required=True, metavar="FILE", help="one whitespace-tokenized sentence per line"
    )
    s.add_argument(
        "--test", required=True, metavar="FILE", help="scored the way KenLM's query scores it"
    )
    s.add_argument("--order", type=int, required=True, metavar="N", help="e.g. 3")
    s.add_argument(
        "--smoothing",
        required=True,
        metavar="NAME",
        help=f"{', '.join(normalised_smoothings())} (mkn is KenLM lmplz's estimate)",
    )
    s.add_argument(
        "--arpa", metavar="OUT", help="also write the model as an ARPA file (interpolated methods)"
    )
    s.add_argument(
        "--sample",
        type=sample_count,
        default=0,
        metavar="N",
        help=f"also print N (1 to {MAX_SAMPLE}) sentences drawn from the model, up to 100 words "
        "each",
    )
    s.add_argument("--seed", type=seed, default=0, help="the seed of --sample (default 0)")
    s.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: perplexity, "
        "perplexity_excl_oov, oov, tokens, fit_seconds, score_seconds, samples, ...",
    )
    s.set_defaults(func=commands["ngram"], interrupt_message="interrupted; nothing was written")


def _test_size(text: str) -> float | int:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if 0 < value < 1:
        return value
    if value >= 1 and value.is_integer():
        return int(value)
    raise argparse.ArgumentTypeError(
        f"a fraction between 0 and 1 or a number of rows, got {text!r}"
    )


def add_file_dataset_options(s, *, with_columns: bool = True) -> None:
    """How a dataset given as a file (``--dataset reviews.csv``) is read; the datasets file of
    named user datasets. See bench/datasets/user_files.py and docs/your-data.md."""
    g = s.add_argument_group(
        "your own data file (--dataset/--datasets PATH.csv|.tsv|.jsonl|.parquet)"
    )
    g.add_argument(
        "--datasets-file",
        metavar="TOML",
        help="named datasets of your own files (default: $BENCH_DATASETS_FILE, else "
        "datasets.toml in the data home)",
    )
    if not with_columns:
        if "--results-dir" not in s._option_string_actions:
            s.add_argument("--results-dir", help=RESULTS_DIR_HELP)
        return
    g.add_argument("--text-column", metavar="COL", help="default: text")
    g.add_argument("--label-column", metavar="COL", help="default: label (strings or integers)")
    g.add_argument(
        "--test-file",
        metavar="PATH",
        help="the test split, same columns (else a 'split' column of train/test, else a "
        "stratified split)",
    )
    g.add_argument(
        "--test-size",
        type=_test_size,
        metavar="X",
        help="the stratified split's test fraction or rows (default 0.2)",
    )
    g.add_argument(
        "--split-seed", type=seed, metavar="N", help="the stratified split's seed (default 0)"
    )
    g.add_argument(
        "--language", choices=("en", "ko"), help="default: detected from the share of Hangul"
    )
    g.add_argument("--name", metavar="NAME", help="the dataset's name (default: the file's stem)")
    g.add_argument(
        "--drop-empty",
        action="store_true",
        default=None,
        help="skip rows whose text is empty or missing (else they are an error)",
    )
