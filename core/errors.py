"""Errors a user can cause, shared by every package. The CLI prints them as one line, exit
code 2.
"""

from __future__ import annotations

import difflib
import errno


class UserError(Exception):
    """A problem the user can fix (missing data, unknown name, bad file). Printed as one line."""


class UnknownNameError(UserError, KeyError):
    """A name no registry holds; the message suggests the closest known names."""

    def __str__(self) -> str:
        return str(self.args[0])


def unknown_name(kind: str, name: str, known: list[str]) -> UnknownNameError:
    """Error for a misspelled registry name, suggesting the closest known names."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return UnknownNameError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(sorted(known))}.")


_WHY = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "its folder cannot be created there",
    errno.ENOTDIR: "a regular file is in the way of its folder",
    errno.EEXIST: "a regular file is in the way of its folder",
    errno.EISDIR: "it is a folder",
}


def why_unwritable(exc: OSError) -> str:
    """Why a write failed, in words a user can act on (``the disk is full``)."""
    return _WHY.get(exc.errno, exc.strerror or str(exc))
