"""Run a grid of configurations, each in its own process, skipping those already done.

A child process per run gives each run its own honest peak-memory figure, frees TensorFlow's
memory between runs, and means an interrupted grid leaves only complete result files (each is
written atomically by the child) so the next invocation resumes where it stopped. A run is done
only when its file validates (``bench.results.stored_result``); a file that does not is moved to
the quarantine folder, named in one line, and the run is done again.
"""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.locks import remove_stale_temp_files, try_lock
from bench.profiles import get_profile
from bench.results import RunConfig, stored_result
from bench.runner import make_config, result_path

# TensorFlow's C++/absl start-up lines that TF_CPP_MIN_LOG_LEVEL does not silence
_NOISE = re.compile(r"^([IWE]\d{4} |WARNING: All log messages before absl)")


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


def time_left(remaining: list[RunConfig], timed: dict[tuple[str, str], list[float]]) -> str:
    """The progress line's estimate of the time left, from the runs timed so far in this grid.

    A run costs what the runs of its (dataset, model) cost, else what that model cost on the other
    datasets: a neural model takes minutes where naive Bayes takes seconds, so one mean over all
    runs would be off by orders of magnitude while the cheap models run first. Runs of a model not
    yet timed are counted, not guessed.
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
            known += sum(seconds) / len(seconds)
        else:
            untimed += 1
    if not untimed:
        return f", about {_fmt(known)} left"
    runs = "run" if untimed == 1 else "runs"
    return (
        f", about {_fmt(known)} left for the models timed so far + {untimed} {runs} of models "
        "not yet timed"
    )


def _child_command(config: RunConfig, results_dir: Path) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--dataset",
        config.dataset,
        "--model",
        config.model,
        "--tokenizer",
        config.tokenizer,
        "--profile",
        config.profile,
        "--seed",
        str(config.seed),
        "--results-dir",
        str(results_dir),
    ]
    if config.max_train is not None:
        cmd += ["--max-train", str(config.max_train)]
    for key, value in config.params:
        cmd += ["--param", f"{key}={json.dumps(value)}"]  # the child parses it back as JSON
    return cmd


def run_grid(configs: list[RunConfig], results_dir: Path, *, force: bool = False) -> GridOutcome:
    """Run each configuration not yet stored (all of them with ``force``), printing progress."""
    outcome = GridOutcome()
    todo = []
    for config in configs:
        path = result_path(config, results_dir)
        if not force and stored_result(path, results_dir) is not None:
            outcome.skipped.append(path)
        else:
            todo.append((config, path))
    if outcome.skipped:
        print(
            f"{len(outcome.skipped)} of {len(configs)} runs already have results "
            "(use --force to redo)",
            file=sys.stderr,
        )
    start = time.perf_counter()
    timed: dict[tuple[str, str], list[float]] = {}  # runs made here, not those skipped on the way
    for i, (config, path) in enumerate(todo, start=1):
        elapsed = time.perf_counter() - start
        eta = time_left([c for c, _ in todo[i - 1 :]], timed)
        print(
            f"[{i}/{len(todo)}] {config.label()} (elapsed {_fmt(elapsed)}{eta})",
            file=sys.stderr,
            flush=True,
        )
        seconds = _run_locked(config, path, results_dir, force, outcome)
        if seconds is not None:
            timed.setdefault((config.dataset, config.model), []).append(seconds)
    print(outcome.summary(), file=sys.stderr, flush=True)
    return outcome


def _run_locked(
    config: RunConfig, path: Path, results_dir: Path, force: bool, outcome: GridOutcome
) -> float | None:
    """Run one configuration under its lock, recording the outcome; the seconds it took, or
    ``None`` if another process has it. Raises KeyboardInterrupt if the user stopped the child."""
    lock = try_lock(path)
    if lock is None:
        outcome.busy.append(config)
        print("    skipped: another process is running it now", file=sys.stderr, flush=True)
        return None
    with lock:
        if not force and stored_result(path, results_dir) is not None:  # finished since we looked
            outcome.skipped.append(path)
            print("    skipped: another process has just finished it", file=sys.stderr, flush=True)
            return None
        remove_stale_temp_files(path)
        t0 = time.perf_counter()
        returncode, last_line = run_child(_child_command(config, results_dir), lock.fd)
    if returncode == 0 and stored_result(path, results_dir) is not None:
        outcome.done.append(path)
    else:
        reason = last_line or f"exit code {returncode}"
        outcome.failed.append((config, reason))
        print(f"    FAILED: {reason}", file=sys.stderr, flush=True)
        if stopped_by_user(returncode):
            raise KeyboardInterrupt
    return time.perf_counter() - t0


#: How a child the user stopped exits: killed by SIGINT (Ctrl-C reaches the whole process group)
#: or SIGTERM, or exiting as ``bench`` does when either reaches it (130; 143 is the shells' code
#: for a SIGTERM). The grid and the LM task stop on these instead of going on to the next child.
USER_STOP_CODES = frozenset(
    {-signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT, 128 + signal.SIGTERM}
)


def stopped_by_user(returncode: int) -> bool:
    """Whether a child's exit code says the user stopped it (see ``USER_STOP_CODES``)."""
    return returncode in USER_STOP_CODES


def run_child(cmd: list[str], lock_fd: int | None = None) -> tuple[int, str]:
    """Run a child, echoing its stderr indented as it comes; return (exit code, last stderr line).

    The child inherits the run's lock descriptor, so the run stays locked while it lives even if
    this process dies. If this process is interrupted, the child is stopped before we go on.
    """
    last = ""
    with subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        pass_fds=() if lock_fd is None else (lock_fd,),
    ) as proc:
        assert proc.stderr is not None
        try:
            for line in proc.stderr:
                line = line.rstrip("\n")
                if line.strip() and not _NOISE.match(line):
                    last = line.strip()
                    print(f"    {line}", file=sys.stderr, flush=True)
        except BaseException:
            _stop(proc)
            raise
    return proc.returncode, last


def _stop(proc: subprocess.Popen, grace_s: float = 20.0) -> None:
    """Ask a child to stop (SIGTERM: it removes its temp files and exits), then kill it. Whatever
    a child killed mid-write leaves is removed before its run is next attempted."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
