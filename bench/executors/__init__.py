"""Who runs a grid's independent runs: ``local`` (a child process per run on this machine, one at
a time or ``--jobs N`` at once) or ``ray`` (a Ray task per run on a cluster, the driver writing
the records the tasks return). Ray is imported only when that executor is chosen.
"""

from __future__ import annotations

from bench.errors import BenchError
from bench.executors.base import Executor, Finished, RunTask
from bench.executors.local import LocalExecutor, default_jobs

EXECUTORS = ("local", "ray")


def make_executor(
    name: str = "local", *, jobs: int | None = None, ray_address: str | None = None
) -> Executor:
    """The executor a command line asked for; ``BenchError`` for a combination that makes no
    sense (``--jobs`` with Ray, whose cluster decides how many run at once). Without ``jobs``
    the local executor runs one run per core (``default_jobs``)."""
    if name == "local":
        if ray_address:
            raise BenchError("--ray-address needs --executor ray")
        return LocalExecutor(jobs or default_jobs())
    if name == "ray":
        if jobs is not None:
            raise BenchError(
                "--jobs is for the local executor; with --executor ray the cluster's CPUs decide "
                "how many runs go at once"
            )
        from bench.executors.ray_executor import RayExecutor

        return RayExecutor(address=ray_address)
    raise BenchError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")


__all__ = [
    "EXECUTORS",
    "Executor",
    "Finished",
    "LocalExecutor",
    "RunTask",
    "default_jobs",
    "make_executor",
]
