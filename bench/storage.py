"""Where results go on disk: atomic writes, a check that a results folder can be written before
anything is fitted, and the quarantine folder that invalid result files are moved to.

A failure a user can cause here (a regular file where the results folder should be, a read-only
folder, a full disk) is an ``UnwritableResultsError``: one line and exit code 2, never a traceback,
and never a half-written file left behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from core.atomic import atomic_write
from core.errors import why_unwritable
from core.progress import say


class UnwritableResultsError(BenchError, OSError):
    """The results folder cannot be written (a file in its place, read-only, full). A ``BenchError``
    (one line, exit code 2) that ``except OSError`` still catches."""


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically (``write_text_atomic``)."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader never sees a half-written file (temp file + rename).
    A folder that cannot be written (full, read-only) raises ``UnwritableResultsError`` and
    leaves nothing behind."""
    with atomic_write(path, on_error=lambda exc: unwritable(path, exc)) as fh:
        fh.write(text)


def unwritable(path: Path, exc: OSError) -> UnwritableResultsError:
    """The one-line error for a write to ``path`` that failed with ``exc``."""
    why = why_unwritable(exc)
    return UnwritableResultsError(
        f"cannot write {path}: {why}; free space, fix the permissions or choose another "
        "folder with --results-dir or BENCH_RESULTS_DIR"
    )


def check_writable(results_dir: Path, subdirs: tuple[str, ...] = ("runs",)) -> None:
    """Check, before anything is fitted, that ``results_dir`` and its ``subdirs`` can be created
    and written: each is created and a temporary file written into it and removed. Raises
    ``UnwritableResultsError`` (one line) when not."""
    for folder in (results_dir, *(results_dir / s for s in subdirs)):
        if folder.exists() and not folder.is_dir():
            raise UnwritableResultsError(
                f"results folder {folder} is a regular file, not a folder; move it away or "
                "choose another folder with --results-dir or BENCH_RESULTS_DIR"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check.") as fh:
                fh.write(b"x" * 4096)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise unwritable(folder, exc) from exc


def quarantine(path: Path, results_dir: Path, reason: str) -> Path:
    """Move an invalid result file to ``results_dir/quarantine/`` (never overwriting one there),
    saying so in one line on stderr; return where it went. ``UnwritableResultsError`` if it
    cannot be moved."""
    folder = results_dir / "quarantine"
    target = folder / path.name
    n = 1
    while target.exists():
        target, n = folder / f"{path.stem}.{n}{path.suffix}", n + 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    except OSError as exc:
        raise unwritable(target, exc) from exc
    say(
        f"quarantined {path.parent.name}/{path.name} ({reason}): moved to {target}; "
        "the run will be done again"
    )
    return target
