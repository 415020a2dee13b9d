"""Progress lines on stderr that can never decide whether a result is saved.

A reader of stderr may go away while a run works: ``bench run ... 2>&1 | head -1``, a terminal
closed under ``nohup``, or the parent ``bench all`` killed while its child still runs. Writing to
that stderr raises (``BrokenPipeError``; ``ValueError`` once the file object is closed), and an
exception from a progress line would end the run before its result is saved.

``say`` prints a line and, the first time stderr turns out to be gone, sends stderr to the null
device for the rest of the process, so every later write (ours, a library's, the interpreter's
final flush of what was still buffered) succeeds and goes nowhere. ``stderr_guarded`` extends
that to every write to ``sys.stderr`` inside a block, whoever makes it (a data-file warning, a
tokenizer's progress), so a whole run is covered, not only the lines printed through ``say``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def say(msg: str) -> None:
    """Print ``msg`` as one line on stderr; drop it (and all later stderr output) if stderr is
    gone."""
    stream = sys.stderr
    if stream is None:  # pythonw, or a process started without a stderr at all
        return
    try:
        print(msg, file=stream, flush=True)
    except (OSError, ValueError):
        if sys.stderr is stream:
            sys.stderr = _silenced(stream)


def _silenced(stream: TextIO) -> TextIO:
    """``stream`` (gone: a write to it failed) pointed at the null device. At the descriptor
    level when it is file descriptor 2, so what is still buffered and what C code writes go
    there too; otherwise a new null-device file object to use in its place."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # closed, or not a real file
        fd = None
    if fd == 2:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, fd)
            finally:
                os.close(null)
            stream.flush()  # what the failed write left in the buffer goes to the null device
            return stream
        except (OSError, ValueError):
            pass
    return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - used as the process's stderr


class _GuardedStream:
    """A stand-in for ``sys.stderr`` whose writes never raise: once one fails, the stream is
    silenced (``_silenced``) and the text dropped."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except (OSError, ValueError):
            self.stream = _silenced(self.stream)
            return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = _silenced(self.stream)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


@contextmanager
def stderr_guarded() -> Iterator[None]:
    """Inside the block no write to ``sys.stderr`` raises; if stderr is gone, output is dropped
    and stays dropped after the block."""
    original = sys.stderr
    if original is None or isinstance(original, _GuardedStream):
        yield
        return
    guarded = _GuardedStream(original)
    sys.stderr = guarded
    try:
        yield
    finally:
        if sys.stderr is guarded:
            sys.stderr = guarded.stream
