"""Errors a user can cause. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations

from core.errors import UnknownNameError, UserError, unknown_name

#: the harness's name for a user error (``core.errors.UserError``), kept for its many raisers
BenchError = UserError


class MissingDataError(BenchError):
    """A dataset file is absent from the data home and could not be downloaded."""


class DataFormatError(BenchError):
    """A dataset file exists but is not in the publisher's format (truncated, wrong columns...)."""


__all__ = [
    "BenchError",
    "DataFormatError",
    "MissingDataError",
    "UnknownNameError",
    "UserError",
    "unknown_name",
]
