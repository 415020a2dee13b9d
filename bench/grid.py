"""Run a grid of configurations, each in its own process, skipping those already done.

A child process per run gives each run its own honest peak-memory figure, frees TensorFlow's
memory between runs, and means an interrupted grid leaves only complete result files (each is
written atomically by the child) so the next invocation resumes where it stopped.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.results import RunConfig
from bench.runner import make_config, result_path


# TensorFlow's C++/absl start-up lines that TF_CPP_MIN_LOG_LEVEL does not silence
_NOISE = re.compile(r"^([IWE]\d{4} |WARNING: All log messages before absl)")


@dataclass
class GridOutcome:
    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[RunConfig, str]] = field(default_factory=list)


def plan(datasets: list[str], models: list[str], seeds: list[int], profile: str) -> list[RunConfig]:
    """Every (dataset, model, seed) configuration, validated before anything runs."""
    return [make_config(d, m, profile=profile, seed=s) for d, m, s in itertools.product(datasets, models, seeds)]


def _fmt(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def _child_command(config: RunConfig, results_dir: Path) -> list[str]:
    cmd = [sys.executable, "-m", "bench", "run", "--dataset", config.dataset, "--model", config.model,
           "--tokenizer", config.tokenizer, "--profile", config.profile, "--seed", str(config.seed),
           "--results-dir", str(results_dir)]
    for key, value in config.params:
        cmd += ["--param", f"{key}={value}"]
    return cmd


def run_grid(configs: list[RunConfig], results_dir: Path, *, force: bool = False) -> GridOutcome:
    """Run each configuration not yet stored (all of them with ``force``), printing progress."""
    outcome = GridOutcome()
    todo = []
    for config in configs:
        path = result_path(config, results_dir)
        if path.exists() and not force:
            outcome.skipped.append(path)
        else:
            todo.append((config, path))
    if outcome.skipped:
        print(f"{len(outcome.skipped)} of {len(configs)} runs already have results (use --force to redo)",
              file=sys.stderr)
    start = time.perf_counter()
    for i, (config, path) in enumerate(todo, start=1):
        elapsed = time.perf_counter() - start
        eta = f", about {_fmt(elapsed / (i - 1) * (len(todo) - i + 1))} left" if i > 1 else ""
        print(f"[{i}/{len(todo)}] {config.label()} (elapsed {_fmt(elapsed)}{eta})", file=sys.stderr, flush=True)
        returncode, last_line = _run_child(_child_command(config, results_dir))
        if returncode == 0 and path.exists():
            outcome.done.append(path)
        else:
            reason = last_line or f"exit code {returncode}"
            outcome.failed.append((config, reason))
            print(f"    FAILED: {reason}", file=sys.stderr, flush=True)
            if returncode in (-2, 130):  # the user pressed Ctrl-C: stop the grid too
                raise KeyboardInterrupt
    return outcome


def _run_child(cmd: list[str]) -> tuple[int, str]:
    """Run a child, echoing its stderr indented as it comes; return (exit code, last stderr line)."""
    last = ""
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          bufsize=1) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip("\n")
            if line.strip() and not _NOISE.match(line):
                last = line.strip()
                print(f"    {line}", file=sys.stderr, flush=True)
    return proc.returncode, last
