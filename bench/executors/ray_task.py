"""What a Ray task does on a worker: run one configuration in a child process into a scratch
folder, and return its result record (and, when small enough, its saved model as tar bytes).

No shared file system is needed: the driver writes what this returns (``ray_executor``). The
scratch folder goes when the task ends; a worker killed mid-run takes its child with it (the
child dies with its parent), and Ray runs the task again elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import platform
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import deque
from pathlib import Path

from bench.executors.base import child_command
from bench.executors.children import _NOISE
from bench.locks import model_save_lock
from bench.results import RunConfig

#: Test hook: the path of a marker file. The first task to see it absent creates it and kills its
#: own worker with SIGKILL once its child has started, as a node lost mid-run would.
KILL_ONCE = "BENCH_TEST_KILL_WORKER_ONCE"


def _prctl():
    """libc's ``prctl`` on Linux, looked up now: after a fork in a threaded worker, the child must
    not import or load anything before it execs."""
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """The child gets SIGKILL when the worker that started it dies (PR_SET_PDEATHSIG)."""
    _PRCTL(1, signal.SIGKILL)


def _kill_me_once(marker: str | None) -> None:
    if not marker:
        return
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


def run_on_worker(config: RunConfig, env: dict[str, str], model_limit: int) -> dict:
    """Run ``config`` here; ``{"ok": True, "record", "model_tar", "node", "seconds"}`` or
    ``{"ok": False, "reason", "returncode", "node"}``. ``env`` is added to the child's
    environment (data home, thread caps, how it was run)."""
    node = platform.node()
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as scratch:
        t0 = time.perf_counter()
        returncode, lines = run_here(child_command(config, Path(scratch)), env)
        seconds = time.perf_counter() - t0
        runs = sorted(Path(scratch, "runs").glob("*.json"))
        if returncode != 0 or len(runs) != 1:
            reason = lines[-1].strip() if lines else f"exit code {returncode}"
            return {"ok": False, "reason": reason, "returncode": returncode, "node": node}
        record = json.loads(runs[0].read_text(encoding="utf-8"))
        model = Path(scratch, "models", str(record.get("run_id")))
        return {
            "ok": True,
            "record": record,
            "model_tar": tar_folder(model, model_limit),
            "node": node,
            "seconds": seconds,
        }


def run_here(cmd: list[str], env: dict[str, str], keep: int = 400) -> tuple[int, list[str]]:
    """Run ``cmd`` in a child of this worker that dies with it; its exit code and the last
    ``keep`` lines of its stderr (TensorFlow's start-up noise left out)."""
    lines: deque[str] = deque(maxlen=keep)
    with subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        preexec_fn=_die_with_parent if _PRCTL is not None else None,
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.strip() and not _NOISE.match(line):
                lines.append(line.rstrip())
                _kill_me_once(env.get(KILL_ONCE))
    return proc.returncode, list(lines)


def tar_folder(folder: Path, limit: int) -> bytes | None:
    """``folder`` as the bytes of an uncompressed tar, or None when absent or over ``limit``."""
    if not folder.is_dir():
        return None
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    if size > limit:
        return None
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(folder, arcname=".")
    return buf.getvalue()


def unpack_model(data: bytes, folder: Path) -> None:
    """Unpack a shipped model into ``folder`` as ``saved_models.save_model`` saves one: into a
    hidden sibling first, then renamed into place."""
    from bench.saved_models import _move_into_place

    folder.parent.mkdir(parents=True, exist_ok=True)
    with model_save_lock(folder.parent, folder.name):
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(tmp, filter="data")
            os.chmod(tmp, 0o755)
            _move_into_place(tmp, folder)
        except BaseException:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise
