"""Child processes of the grid: run one, echo its lines, stop it, read how it ended."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

# TensorFlow's C++/absl start-up lines that TF_CPP_MIN_LOG_LEVEL does not silence
_NOISE = re.compile(r"^([IWE]\d{4} |WARNING: All log messages before absl)")


#: How a child the user stopped exits: killed by SIGINT (Ctrl-C reaches the whole process group)
#: or SIGTERM, or exiting as ``bench`` does when either reaches it (130; 143 is the shells' code
#: for a SIGTERM). The grid and the LM task stop on these instead of going on to the next child.
USER_STOP_CODES = frozenset(
    {-signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT, 128 + signal.SIGTERM}
)


def stopped_by_user(returncode: int) -> bool:
    """Whether a child's exit code says the user stopped it (see ``USER_STOP_CODES``)."""
    return returncode in USER_STOP_CODES


def run_child(
    cmd: list[str],
    lock_fd: int | None = None,
    *,
    env: dict[str, str] | None = None,
    live: tuple[set, threading.Lock] | None = None,
) -> tuple[int, str]:
    """Run a child, echoing its stderr indented as it comes; return (exit code, last stderr line).

    The child inherits the run's lock descriptor, so the run stays locked while it lives even if
    this process dies. If this process is interrupted, the child is stopped before we go on.
    ``env`` is added to this process's environment; ``live`` (a set and its lock) holds the child
    while it runs, so a parallel grid can stop every child it started.
    """
    last = ""
    with subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        pass_fds=() if lock_fd is None else (lock_fd,),
        env=None if env is None else {**os.environ, **env},
    ) as proc:
        assert proc.stderr is not None
        if live is not None:
            with live[1]:
                live[0].add(proc)
        try:
            for line in proc.stderr:
                line = line.rstrip("\n")
                if line.strip() and not _NOISE.match(line):
                    last = line.strip()
                    print(f"    {line}", file=sys.stderr, flush=True)
        except BaseException:
            stop_child(proc)
            raise
        finally:
            if live is not None:
                with live[1]:
                    live[0].discard(proc)
    return proc.returncode, last


def stop_child(proc: subprocess.Popen, grace_s: float = 20.0) -> None:
    """Ask a child to stop (SIGTERM: it removes its temp files and exits), then kill it. Whatever
    a child killed mid-write leaves is removed before its run is next attempted."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
