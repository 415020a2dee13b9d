"""Errors a user can cause. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations

import difflib


class BenchError(Exception):
    """A problem the user can fix (missing data, unknown name, bad file). Printed as one line."""


class MissingDataError(BenchError):
    """A dataset file is absent from the data home and could not be downloaded."""


class DataFormatError(BenchError):
    """A dataset file exists but is not in the publisher's format (truncated, wrong columns...)."""


def unknown_name(kind: str, name: str, known: list[str]) -> BenchError:
    """Error for a misspelled registry name, suggesting the closest known names."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return BenchError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(sorted(known))}.")
