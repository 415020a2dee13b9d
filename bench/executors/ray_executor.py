"""The ``ray`` executor: one Ray task per run, on a cluster (``--ray-address``) or on a Ray
instance it starts on this machine's cores.

Each task runs its configuration in a child process on a worker (``ray_task``) and returns the
result record; this driver validates it (``RunResult.from_dict``: types, run id = hash of its
identity, figures consistent) and checks it is the run it asked for, then writes it with the
same atomic writer as a local run, under the run's lock. So a task that dies is retried
(``max_retries``, Ray's count for a lost worker) and the results folder gets one complete
record or none, never two or half. Ctrl-C cancels the tasks still out; finished runs stay.

Resources per run: one CPU (a neural model computes on one thread, ``neural.numerics``), and a
GPU for a neural run when the cluster has GPUs.

``run_lm`` does the same for the language-modelling task: a Ray task per dataset (``ray_lm``),
sent the dataset's stored LM results so it skips them, the driver checking and writing the
records it returns; a dataset that may fit neural LMs asks for a neural run's resources.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.errors import BenchError
from bench.executors.base import Executor, Finished, RunTask, claim, thread_env
from bench.results import InvalidResultError, RunResult, model_dir, run_path, save_result
from core.cpus import available_cpus

#: Environment variables the driver passes on to every task (the data home among them: it must
#: hold the same files on every node, as the run ids hash them); the results folder is the
#: driver's alone.
FORWARDED_PREFIX = "BENCH_"
NOT_FORWARDED = {"BENCH_RESULTS_DIR", "BENCH_EXECUTOR", "BENCH_CPUS"}


class RayExecutor(Executor):
    """Runs each run as a Ray task; ``address`` of a running cluster, else a local instance."""

    name = "ray"
    sequential = False

    def __init__(
        self, address: str | None = None, *, max_retries: int = 2, model_limit_mb: int = 256
    ):
        self.address, self.max_retries = address, max_retries
        self.model_limit = model_limit_mb * 2**20
        self.slots = 1
        self._resources: dict[str, float] = {}
        self._held = False  # inside session(): an instance we start lives until it ends
        self._started = False

    def describe(self) -> str:
        where = f"cluster at {self.address}" if self.address else "a local instance"
        return f"ray, {where}, {self.slots} CPU(s)" if self._resources else f"ray, {where}"

    def _connect(self):
        """Import Ray and join the cluster (or start a local instance); True if we started it."""
        try:
            import ray
        except ImportError:
            raise BenchError(
                "--executor ray needs Ray: python -m pip install 'nlp-bench[ray]' "
                "(or pip install 'ray>=2.9')"
            ) from None
        owned = not ray.is_initialized()
        if owned:
            options = dict(include_dashboard=False, log_to_driver=False, logging_level="warning")
            try:
                if self.address:
                    ray.init(address=self.address, **options)
                else:
                    ray.init(num_cpus=available_cpus(), **options)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                where = self.address or "a local instance"
                raise BenchError(
                    f"cannot start Ray ({where}): {str(exc).splitlines()[0]}"
                ) from None
        self._resources = dict(ray.cluster_resources())
        self.slots = max(1, int(self._resources.get("CPU", 1)))
        return ray, owned

    @contextmanager
    def session(self) -> Iterator[None]:
        """Keep a local instance this executor starts for all the work done inside (a grid, then
        its language-modelling step), stopping it once at the end."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            if self._started:
                import ray

                ray.shutdown()
                self._started = False

    def _release(self, ray, owned: bool) -> None:
        """After one call's work: stop the instance it started, unless a session keeps it."""
        if owned and self._held:
            self._started = True
        elif owned:
            ray.shutdown()

    def _options(self, task: RunTask) -> dict:
        from bench.models import get_model

        return self._resources_for(get_model(task.config.model).family == "neural")

    def _resources_for(self, neural: bool) -> dict:
        """One CPU for every run (a neural model computes on one thread: ``neural.numerics``),
        and a GPU for a neural one when the cluster has GPUs."""
        gpus = 1 if neural and self._resources.get("GPU", 0) >= 1 else 0
        return {"num_cpus": 1, "num_gpus": gpus}

    def _announce(self, ray) -> None:
        gpus = int(self._resources.get("GPU", 0))
        print(
            f"ray: {self.slots} CPU(s), {gpus} GPU(s) on {len(ray.nodes())} node(s)",
            file=sys.stderr,
            flush=True,
        )

    def _env(self, cpus: int) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k.startswith(FORWARDED_PREFIX) and k not in NOT_FORWARDED
        }
        cluster = {"executor": "ray", "cluster_cpus": self.slots}
        return {**env, **thread_env(cpus, cluster)}

    def execute(
        self, tasks: list[RunTask], results_dir: Path, *, force: bool
    ) -> Iterator[Finished]:
        if not tasks:
            return
        from bench.executors.ray_task import run_on_worker

        ray, owned = self._connect()
        self._announce(ray)
        remote = ray.remote(run_on_worker)
        pending = deque(tasks)
        window = 2 * self.slots  # runs handed out at once: the cluster's CPUs, and as many queued
        out: dict = {}  # object ref -> (task, lock)
        try:
            while pending or out:
                while pending and len(out) < window:
                    task = pending.popleft()
                    lock = claim(task, results_dir, force)
                    if isinstance(lock, Finished):
                        yield lock
                        continue
                    opts = self._options(task)
                    ref = remote.options(
                        **opts, max_retries=self.max_retries, retry_exceptions=False
                    ).remote(task.config, self._env(opts["num_cpus"]), self.model_limit)
                    out[ref] = (task, lock, time.perf_counter())
                if not out:
                    continue
                ready, _ = ray.wait(list(out), num_returns=1, timeout=1.0)
                for ref in ready:
                    task, lock, t0 = out.pop(ref)
                    try:
                        finished = self._collect(ray, ref, task, results_dir, t0)
                    finally:
                        lock.release()
                    yield finished
        except BaseException:
            for ref in out:
                ray.cancel(ref, force=True)
            raise
        finally:
            for _, lock, _ in out.values():
                lock.release()
            self._release(ray, owned)

    def _collect(self, ray, ref, task: RunTask, results_dir: Path, t0: float) -> Finished:
        """Store what the task returned if it is the valid record of ``task``; its ``Finished``."""
        seconds = time.perf_counter() - t0
        try:
            payload = ray.get(ref)
        except ray.exceptions.RayError as exc:  # the worker died more often than retried, ...
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return Finished(task, "failed", seconds, reason=f"Ray task failed: {reason}")
        node = payload.get("node")
        if not payload.get("ok"):
            return Finished(task, "failed", seconds, node, payload.get("reason", "failed"))
        try:
            store_record(payload["record"], payload.get("model_tar"), task, results_dir)
        except InvalidResultError as exc:
            return Finished(task, "failed", seconds, node, f"the worker's record: {exc}")
        return Finished(task, "done", payload.get("seconds", seconds), node)

    def run_lm(
        self,
        datasets: list[str],
        command_for: Callable[..., list[str]],
        results_dir: Path,
        *,
        profile: str,
        neural=None,
        force: bool = False,
    ) -> Iterator[tuple[int, int, str]]:
        """The language-modelling task of each dataset as a Ray task (``ray_lm``), all handed
        out at once; yields ``(index, exit code, last line)`` as each ends, as
        ``LocalExecutor.run_commands`` does. ``command_for(dataset, results_dir=...)`` is the
        task's ``bench lm`` command (pickled to the workers); ``profile`` and ``neural`` say
        which datasets may fit neural LMs (those ask for a neural run's CPUs and GPU)."""
        if not datasets:
            return
        from bench.executors.ray_lm import collect_lm, run_lm_on_worker, stored_lm_files
        from bench.profiles import get_profile

        plan = get_profile(profile).lm
        ray, owned = self._connect()
        self._announce(ray)
        remote = ray.remote(run_lm_on_worker)
        out: dict = {}  # object ref -> dataset's index
        fits = [n for n in plan.neural if neural is None or n in neural]
        try:
            for i, dataset in enumerate(datasets):
                opts = self._resources_for(bool(fits) and plan.fits_neural_on(dataset))
                if force:  # the task redoes everything: nothing stored is of use to it
                    records, models = {}, {}
                else:
                    records, models = stored_lm_files(
                        results_dir, dataset, profile, self.model_limit
                    )
                ref = remote.options(
                    **opts, max_retries=self.max_retries, retry_exceptions=False
                ).remote(
                    dataset,
                    command_for,
                    records,
                    models,
                    self._env(opts["num_cpus"]),
                    self.model_limit,
                )
                out[ref] = i
            while out:
                ready, _ = ray.wait(list(out), num_returns=1, timeout=1.0)
                for ref in ready:
                    i = out.pop(ref)
                    label = f"[LM {len(datasets) - len(out)}/{len(datasets)}] {datasets[i]}"
                    yield (i, *collect_lm(ray, ref, datasets[i], results_dir, label))
        except BaseException:
            for ref in out:
                ray.cancel(ref, force=True)
            raise
        finally:
            self._release(ray, owned)


def store_record(record: dict, model_tar: bytes | None, task: RunTask, results_dir: Path) -> Path:
    """Write a record a worker returned as ``task``'s result file (and its model, if shipped),
    after checking it validates and is that run: ``InvalidResultError`` otherwise, nothing
    written. The caller holds the run's lock."""
    result = RunResult.from_dict(record)
    path = run_path(results_dir, result, result.run_id)
    if path != task.path:
        raise InvalidResultError(
            f"it is run {path.name}, not {task.path.name}: the worker's data or code differ "
            "from this machine's"
        )
    folder = model_dir(results_dir, result.run_id)
    if model_tar is not None:
        from bench.executors.ray_task import unpack_model

        unpack_model(model_tar, folder)
    result = dataclasses.replace(result, model_dir=str(folder) if model_tar is not None else None)
    return save_result(results_dir, result)


__all__ = ["RayExecutor", "store_record"]
