"""What every executor shares: a run handed to it, what came of it, the claim on a run (its lock)
and the environment that gives a run its share of the cores.

An executor takes the runs of a grid that are not yet stored and yields one ``Finished`` per run
as it ends, in whatever order they end. It never decides what is done: a run is done when a result
file validates (``bench.results.stored_result``), written by the child (``local``) or by the
driver from a validated record (``ray``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from bench.locks import RunLock, remove_stale_temp_files, try_lock
from bench.results import RunConfig, stored_result

#: Environment variables that cap a run's threads: BLAS/OpenMP pools (numpy, scikit-learn,
#: faiss, oneDNN), TensorFlow's two pools (read by TensorFlow when it starts) and ours
#: (``BENCH_CPUS``: tokenizer worker processes, read through ``core.cpus``).
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "BENCH_CPUS",
)


@dataclass(frozen=True)
class RunTask:
    """One run to do: its configuration and where its result file goes."""

    config: RunConfig
    path: Path


@dataclass
class Finished:
    """What came of one run: ``status`` is ``done``, ``failed``, ``busy`` (another process holds
    its lock) or ``skipped`` (another process finished it meanwhile); ``node`` is the host that ran
    it; ``stopped`` says the user stopped its child (the grid then stops)."""

    task: RunTask
    status: str
    seconds: float | None = None
    node: str | None = None
    reason: str = ""
    stopped: bool = False


class Executor:
    """Runs a grid's runs. ``slots``: how many run at once (for the time-left estimate);
    ``sequential``: one at a time with the child's lines as they come (the progress line is then
    printed as a run starts, not as it ends)."""

    name = "local"
    slots = 1
    sequential = True

    def execute(
        self, tasks: list[RunTask], results_dir: Path, *, force: bool
    ) -> Iterator[Finished]:
        """Run ``tasks``, yielding each one's ``Finished`` as it ends. Interrupted (Ctrl-C), it
        stops what is running, keeps what finished and raises ``KeyboardInterrupt``."""
        raise NotImplementedError

    def describe(self) -> str:
        """How the grid is run, for the first progress line."""
        return self.name

    def session(self):
        """A context for all the work of one command (a grid, then its language-modelling step):
        what the executor sets up once for it (the Ray executor's local instance)."""
        return nullcontext()


def claim(task: RunTask, results_dir: Path, force: bool) -> RunLock | Finished:
    """Lock ``task``'s run for this process, or say why not (``busy``, or ``skipped`` when another
    process finished it since the grid looked). What a killed run of it left is removed."""
    lock = try_lock(task.path)
    if lock is None:
        return Finished(task, "busy", reason="another process is running it now")
    if not force and stored_result(task.path, results_dir) is not None:
        lock.release()
        return Finished(task, "skipped", reason="another process has just finished it")
    remove_stale_temp_files(task.path)
    return lock


def cpu_share(total: int, slots: int) -> int:
    """The cores each of ``slots`` runs at once gets out of ``total`` (at least one)."""
    return max(1, total // max(1, slots))


def thread_env(cpus: int, executor: dict) -> dict[str, str]:
    """The environment variables that give a child run ``cpus`` threads, and tell it (through
    ``BENCH_EXECUTOR``, recorded in its result by ``bench.sysinfo.execution``) how it was run."""
    env = {var: str(cpus) for var in THREAD_VARIABLES}
    env["TF_NUM_INTEROP_THREADS"] = str(min(cpus, 2))  # ops side by side; intra-op does the work
    env["BENCH_EXECUTOR"] = json.dumps(executor, sort_keys=True)
    return env


def child_command(config: RunConfig, results_dir: Path, python: str | None = None) -> list[str]:
    """The ``bench run`` command line that runs ``config`` and stores it under ``results_dir``."""
    cmd = [python or sys.executable, "-m", "bench", "run", "--dataset", config.dataset]
    cmd += ["--model", config.model, "--tokenizer", config.tokenizer, "--profile", config.profile]
    cmd += ["--seed", str(config.seed), "--results-dir", str(results_dir)]
    if config.max_train is not None:
        cmd += ["--max-train", str(config.max_train)]
    for key, value in config.params:
        cmd += ["--param", f"{key}={json.dumps(value)}"]  # the child parses it back as JSON
    return cmd
