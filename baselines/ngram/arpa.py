"""Export to the ARPA back-off format (Paul & Baker 1992; as read by KenLM, SRILM, IRSTLM).

Each seen n-gram gets log10 p(w | h) and, below the top order, its log10 back-off weight. For an
interpolated model these are the interpolated probability and the interpolation weight gamma, so a
back-off reader reproduces the interpolated model exactly (``interpolated.py`` explains why).

The file is written atomically (a temporary file in the same folder, then a rename): a full disk or
an interrupt never leaves a truncated ARPA file that KenLM would refuse.
"""

from __future__ import annotations

import errno
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from core.atomic import atomic_write
from core.errors import UserError, why_unwritable

_LOG10 = 1.0 / math.log(10.0)
_FLOOR = -99.0  # the ARPA convention for log10(0), e.g. <s>, which is never predicted


class ArpaWriteError(UserError, OSError):
    """The ARPA file cannot be written (a folder in its place, no such folder, read-only, disk
    full). A ``UserError`` (one line, exit code 2) that ``except OSError`` still catches."""


def _log10(values: np.ndarray) -> np.ndarray:
    out = values * _LOG10
    out[~np.isfinite(out)] = _FLOOR
    return out


def _unwritable(path: Path, exc: OSError) -> ArpaWriteError:
    why = why_unwritable(exc)
    return ArpaWriteError(
        f"cannot write the ARPA file {path}: {why}; free space, fix the permissions or give "
        "--arpa another file"
    )


def check_destination(path: str | Path) -> None:
    """Check, before anything is fitted, that an ARPA file can be written to ``path``: not a
    folder, its folder exists or can be created, and a small file can be written there. Leaves
    nothing behind (folders it created are removed). Raises ``ArpaWriteError`` (one line)."""
    path = Path(path)
    if path.is_dir():
        raise ArpaWriteError(
            f"--arpa {path} is a folder; give a file name, e.g. {path / 'model.arpa'}"
        )
    missing = []  # deepest first, so they can be removed in this order
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.") as fh:
            fh.write(b"x" * 4096)  # an empty file fits on a full disk; some data does not
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    finally:
        for created in missing:
            try:
                created.rmdir()
            except OSError:
                pass


def write_arpa(model, path: str | Path) -> Path:
    """Write a fitted interpolated ``model`` (witten-bell, absolute, kn, mkn) to ``path``,
    atomically; ``ArpaWriteError`` (one line, nothing left behind) when it cannot be written."""
    if not getattr(model, "exportable", False):
        raise ValueError(
            f"{model.name} cannot be written as an ARPA back-off model; only the "
            "interpolated methods can (witten-bell, absolute, kn, mkn)"
        )
    path = Path(path)
    if path.is_dir():
        raise _unwritable(path, IsADirectoryError(errno.EISDIR, "is a folder"))
    with atomic_write(path, newline="\n", on_error=lambda exc: _unwritable(path, exc)) as out:
        _write_model(model, out)
    return path


def _write_model(model, out) -> None:
    words = np.array(model.vocab_.words, dtype=object)
    texts = [words]
    for table in model.tables_[1:]:
        texts.append(texts[-1][table.context] + " " + words[table.word])
    out.write("\\data\\\n")
    out.writelines(f"ngram {n}={len(t)}\n" for n, t in enumerate(texts, start=1))
    for n, text in enumerate(texts, start=1):
        _write_section(model, out, n, text)
    out.write("\n\\end\\\n")


def _write_section(model, out, n: int, text: np.ndarray) -> None:
    out.write(f"\n\\{n}-grams:\n")
    probs = _log10(model.log_probs_[n - 1]).tolist()
    if n < model.order:
        backoffs = _log10(model.log_backoffs_[n - 1]).tolist()
        lines = map("{:.8g}\t{}\t{:.8g}\n".format, probs, text.tolist(), backoffs)
    else:
        lines = map("{:.8g}\t{}\n".format, probs, text.tolist())
    out.writelines(lines)
