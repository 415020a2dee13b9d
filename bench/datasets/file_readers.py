"""Reading a user's data file (CSV, TSV, JSON Lines, Parquet) with pandas/pyarrow into a frame of
strings: the columns a ``FileSource`` names, checked (present, UTF-8, a label on every row, no
empty text unless ``drop_empty``). ``bench.datasets.user_files`` makes the dataset from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench.datasets.base import not_utf8
from bench.errors import DataFormatError

if TYPE_CHECKING:
    from bench.datasets.user_files import FileSource

#: the file kinds pandas reads for us, by suffix
READERS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
#: the column that, when present, says which rows are train and which test
SPLIT_COLUMN = "split"


class FileDatasetError(DataFormatError):
    """A user data file that cannot make a dataset: one line saying why and what to do."""


def read_frame(path: Path, source: FileSource):
    """The file's text and label (and split) columns as a DataFrame of strings."""
    import pandas as pd

    kind = READERS[path.suffix.lower()]
    wanted = [source.text_column, source.label_column]
    try:
        columns = _columns(path, kind)
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise FileDatasetError(
                f"{path}: no column {' or '.join(map(repr, missing))}; its columns are "
                f"{columns[:20]}: choose with --text-column and --label-column"
            )
        usecols = wanted + ([SPLIT_COLUMN] if SPLIT_COLUMN in columns else [])
        if kind in ("csv", "tsv"):
            frame = pd.read_csv(
                path,
                sep="," if kind == "csv" else "\t",
                usecols=usecols,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8",
                engine="pyarrow",  # multithreaded: a million rows in about a second
            )
        elif kind == "jsonl":
            frame = pd.read_json(path, lines=True, engine="pyarrow")[usecols]
        else:
            frame = pd.read_parquet(path, columns=usecols)
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except FileDatasetError:
        raise
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        if "invalid UTF8" in str(exc):
            raise not_utf8(path) from None
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FileDatasetError(f"cannot read {path} as {kind}: {first[:200]}") from None
    return _clean(frame, path, source)


def _columns(path: Path, kind: str) -> list[str]:
    import pandas as pd

    if kind in ("csv", "tsv"):
        head = pd.read_csv(path, sep="," if kind == "csv" else "\t", nrows=0, encoding="utf-8")
        return [str(c) for c in head.columns]
    if kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    import json

    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FileDatasetError(f"{path} line {lineno}: not JSON ({exc.msg})") from None
                if not isinstance(first, dict):
                    raise FileDatasetError(f"{path} line {lineno}: not a JSON object")
                return list(first)
    raise FileDatasetError(f"{path} holds no rows")


def _as_text(series):
    """A column as Python strings, missing cells as None; integers stay integers ("3", not
    "3.0", when a column with gaps was read as floats)."""
    import pandas as pd

    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if (whole == whole.round()).all():
            series = series.astype("Int64")
    out = series.astype(object)
    missing = series.isna()
    out = out.where(~missing, None)
    if not pd.api.types.is_string_dtype(series) or pd.api.types.is_bool_dtype(series):
        out = out.map(lambda v: None if v is None else str(v))
    return out


def _clean(frame, path: Path, source: FileSource):
    """Strings only; rows with empty texts refused (counted) or, with ``drop_empty``, dropped."""
    import pandas as pd

    frame = pd.DataFrame({c: _as_text(frame[c]) for c in frame.columns})
    if not len(frame):
        raise FileDatasetError(f"{path} holds no rows")
    text, label = source.text_column, source.label_column
    no_label = frame[label].isna() | (frame[label].str.strip() == "")
    if no_label.any():
        rows = (np.flatnonzero(no_label.to_numpy()) + 1)[:5].tolist()
        raise FileDatasetError(
            f"{path}: {int(no_label.sum()):,} row(s) have no {label!r} (data rows {rows}...); "
            "give every row a label"
        )
    empty = frame[text].isna() | (frame[text].str.strip() == "")
    if empty.any():
        if not source.drop_empty:
            rows = (np.flatnonzero(empty.to_numpy()) + 1)[:5].tolist()
            raise FileDatasetError(
                f"{path}: {int(empty.sum()):,} of {len(frame):,} row(s) have an empty or missing "
                f"{text!r} (data rows {rows}...); fix them or pass --drop-empty to skip them"
            )
        frame = frame[~empty].reset_index(drop=True)
    return frame
