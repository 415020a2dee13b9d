"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

The data goes to a temporary file in the destination's folder (so the rename stays on one file
system), is flushed and fsynced, made readable by everyone (``0o644``: ``mkstemp`` creates it
private) and renamed over the destination. On any failure, an interrupt included, the temporary
file is removed. Each caller says how an ``OSError`` becomes its own one-line error (``on_error``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from core.errors import UserError

#: maps the ``OSError`` of a failed write to the exception the caller raises instead
OnError = Callable[[OSError], BaseException]

MODE = 0o644


@contextmanager
def atomic_write(
    path: str | Path,
    mode: str = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    on_error: OnError | None = None,
    make_parents: bool = True,
) -> Iterator[IO[Any]]:
    """Yield a file object (text for ``mode="w"``, binary for ``"wb"``) whose content replaces
    ``path`` atomically when the block ends without an exception.

    ``on_error`` turns an ``OSError`` (from creating the temporary file, the block, the fsync or the
    rename) into the exception raised instead, chained from it; without it the ``OSError`` is
    raised as it is. ``make_parents`` creates missing folders of ``path`` first."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    text = {"encoding": encoding, "newline": newline} if mode == "w" else {}
    with _temporary_beside(Path(path), on_error, make_parents) as (fd, _tmp):
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


@contextmanager
def atomic_path(
    path: str | Path, *, on_error: OnError | None = None, make_parents: bool = True
) -> Iterator[Path]:
    """Yield the path of an empty temporary file for a writer that takes a path (pandas, pyarrow);
    what it wrote there replaces ``path`` atomically when the block ends without an exception.
    ``on_error`` and ``make_parents`` as for ``atomic_write``."""
    with _temporary_beside(Path(path), on_error, make_parents) as (fd, tmp):
        os.close(fd)
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _temporary_beside(
    path: Path, on_error: OnError | None, make_parents: bool
) -> Iterator[tuple[int, Path]]:
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        if on_error is None:
            raise
        raise on_error(exc) from exc
    try:
        yield fd, Path(tmp)
        os.chmod(tmp, MODE)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        # an OSError that is already a user error (one line, what to do) passes as it is
        if on_error is not None and isinstance(exc, OSError) and not isinstance(exc, UserError):
            raise on_error(exc) from exc
        raise
