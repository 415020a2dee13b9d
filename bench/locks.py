"""Per-run lock files, so two ``bench all`` invocations at once never run the same configuration.

A lock is an exclusive, non-blocking ``fcntl.flock`` on ``<results>/runs/.locks/<run file>.lock``.
The kernel releases it when the last file descriptor on it closes, so a killed process (even with
SIGKILL) never leaves a run locked. The grid passes the descriptor to the child process that does
the run, so the lock is held for as long as either of them lives.

The lock file is removed on release. To make that safe against a second process that opened the
file just before it was removed, ``acquire`` checks after locking that the path still names the
file it locked, and starts again if not (the usual recipe for unlinkable flock files).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunLock:
    """A held lock: ``fd`` is the open descriptor (inheritable by a child via ``pass_fds``)."""

    path: Path
    fd: int

    def release(self) -> None:
        """Remove the lock file and close the descriptor (which releases the lock)."""
        if self.fd < 0:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_path(result_path: Path) -> Path:
    """The lock file guarding the run whose result goes to ``result_path``."""
    return result_path.parent / ".locks" / f"{result_path.name}.lock"


def try_lock(result_path: Path) -> RunLock | None:
    """Lock the run stored at ``result_path``; ``None`` if another process holds it."""
    path = lock_path(result_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(path, blocking=False)
    if lock is not None:
        os.ftruncate(lock.fd, 0)
        os.write(lock.fd, f"{os.getpid()}\n".encode())
    return lock


def _lock(path: Path, *, blocking: bool) -> RunLock | None:
    """An exclusive flock on ``path`` (created if need be); ``None`` if another process holds it
    and not ``blocking``. Retries when the holder removed the file between our open and flock."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.set_inheritable(fd, False)  # only children we name in pass_fds get it
            return RunLock(path, fd)
        os.close(fd)


def remove_stale_temp_files(result_path: Path) -> list[Path]:
    """Delete what a killed run of ``result_path`` left half-written: its result's temp files and
    its model's temporary folders (``<results>/models/.<run id>.*``, see
    ``saved_models.save_model``). Call only while holding the run's lock: nobody else may be
    writing them then."""
    removed = list(result_path.parent.glob(f".{result_path.name}.*.tmp"))
    for tmp in removed:
        tmp.unlink(missing_ok=True)
    rid = result_path.stem.rpartition("__")[2]
    if rid:
        removed += remove_stale_model_folders(result_path.parent.parent / "models", rid)
    return removed


def remove_stale_model_folders(models_dir: Path, rid: str, *, locked: bool = False) -> list[Path]:
    """Delete the temporary folders a killed ``saved_models.save_model`` left for run ``rid`` in
    ``models_dir`` (``.<run id>.*``). Waits for a save of that run in progress to finish first
    (``model_save_lock``), unless ``locked``: the caller holds that lock itself."""
    if not models_dir.is_dir():
        return []
    if not locked:
        with model_save_lock(models_dir, rid):
            return remove_stale_model_folders(models_dir, rid, locked=True)
    removed = sorted(p for p in models_dir.glob(f".{rid}.*") if p.suffix != ".lock")
    for tmp in removed:
        shutil.rmtree(tmp, ignore_errors=True)
    return removed


@contextmanager
def model_save_lock(models_dir: Path, rid: str) -> Iterator[None]:
    """Wait for, then hold, the right to save the model of run ``rid`` into ``models_dir``
    (lock file ``models/.<run id>.lock``, removed on release): two identical runs at once save
    one after the other, and the one saving may remove the temporary folders a killed save left
    (``remove_stale_model_folders``)."""
    lock = _lock(models_dir / f".{rid}.lock", blocking=True)
    assert lock is not None
    with lock:
        yield
