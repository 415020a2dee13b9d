"""Errors a user can cause, shared by every package. The CLI prints them as one line, exit
code 2.
"""

from __future__ import annotations

import difflib


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
