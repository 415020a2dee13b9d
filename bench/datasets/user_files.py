"""A dataset from a user's own file: CSV, TSV, JSON Lines or Parquet, read with pandas/pyarrow
(``bench.datasets.file_readers``).

A ``FileSource`` declares it: the file, its text and label columns, how the test split is made
(a ``--test-file``, a ``split`` column of ``train``/``test`` values, or a stratified split with a
recorded seed and fraction) and its language (detected from the share of Hangul when not given).
``FileSource.spec()`` reads the file once, checks it, and returns an ordinary ``DatasetSpec``
whose run identity covers the file's checksum, its columns and its split rule, so a changed file
or rule never reuses old results.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from bench.datahome import DataFile, sha256_of
from bench.datasets.base import DatasetSpec, Split, stratified_split
from bench.datasets.file_readers import READERS, SPLIT_COLUMN, FileDatasetError, read_frame
from bench.errors import BenchError

#: texts whose letters are at least this share Hangul make a Korean dataset: NSMC reviews mix in
#: Latin letters and digits but stay well above it, English text has none
HANGUL_SHARE_FOR_KOREAN = 0.3
#: the seed of the stratified split when none is given (recorded in the run identity)
DEFAULT_SPLIT_SEED = 0
DEFAULT_TEST_SIZE = 0.2
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")


def is_data_file(name: str) -> bool:
    """Whether ``name`` names a data file (by its suffix) rather than a registered dataset."""
    return Path(name).suffix.lower() in READERS


def name_for(path: Path) -> str:
    """The dataset name a file gets when none is given: its stem, in lower-case kebab form."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "data"


@dataclass(frozen=True)
class FileSource:
    """The declaration of a dataset in a user's file; see the module docstring."""

    name: str
    path: str
    text_column: str = "text"
    label_column: str = "label"
    test_file: str | None = None
    test_size: float = DEFAULT_TEST_SIZE
    split_seed: int = DEFAULT_SPLIT_SEED
    language: str | None = None
    drop_empty: bool = False
    description: str = ""
    citation: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", self.name):
            raise BenchError(
                f"dataset name {self.name!r}: use letters, digits, '.', '_' and '-' (--name)"
            )
        if not (0 < self.test_size < 1) and not (
            isinstance(self.test_size, int) and self.test_size >= 1
        ):
            raise BenchError(
                f"--test-size is a fraction between 0 and 1 or a number of rows, got "
                f"{self.test_size!r}"
            )
        if self.language not in (None, "en", "ko"):
            raise BenchError(f"--language is en or ko, got {self.language!r}")
        for p in (self.path, self.test_file):
            if p is not None and not is_data_file(p):
                raise BenchError(
                    f"{p}: unknown file type {Path(p).suffix or '(no suffix)'!r}; give a "
                    f"{', '.join(sorted(READERS))} file"
                )

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, doc: dict, *, where: str) -> "FileSource":
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(doc) - known)
        if unknown:
            raise BenchError(f"{where}: unknown key(s) {unknown}; known: {sorted(known)}")
        try:
            return cls(**doc)
        except TypeError as exc:
            raise BenchError(f"{where}: {exc}") from None

    def files(self) -> list[Path]:
        return [Path(p) for p in (self.path, self.test_file) if p is not None]

    def spec(self) -> DatasetSpec:
        """Read and check the file(s) and return the dataset's spec (cached per file state)."""
        stamps = tuple(_stamp(p) for p in self.files())
        return _spec(self, stamps)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError as exc:
        raise FileDatasetError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise FileDatasetError(f"{path} is not a file")
    return st.st_size, st.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _spec(source: FileSource, stamps: tuple) -> DatasetSpec:
    frame = read_frame(Path(source.path), source)
    test_frame = read_frame(Path(source.test_file), source) if source.test_file else None
    train, test, rule = _splits(frame, test_frame, source)
    classes, train_labels, test_labels = _classes(train, test, source)
    language = source.language or detect_language(train[source.text_column].tolist())
    checksums = {Path(p).name: sha256_of(p) for p in source.files()}
    identity = {
        "data_source": {
            "kind": "file",
            "files": checksums,
            "text_column": source.text_column,
            "label_column": source.label_column,
            "split": rule,
            "language": language,
            "drop_empty": source.drop_empty,
        }
    }
    splits = (
        Split(train[source.text_column].tolist(), train_labels),
        Split(test[source.text_column].tolist(), test_labels),
    )
    files = tuple(
        DataFile(str(p), str(p), sha256=None, publisher_sha256=None, downloadable=False)
        for p in source.files()
    )
    return DatasetSpec(
        name=source.name,
        language=language,
        task=source.description or "classification (your file)",
        classes=classes,
        citation=source.citation,
        homepage=str(Path(source.path)),
        files=files,
        reader=lambda spec: splits,
        sizes=(len(splits[0]), len(splits[1])),
        user_supplied=True,
        split_note=_describe_rule(rule),
        extra={
            "identity": identity,
            "source": source.to_dict(),
            "language_detected": source.language is None,
        },
    )


def _splits(frame, test_frame, source: FileSource):
    """(train, test, rule): the rule is what the run identity records about the split."""
    if test_frame is not None:
        rule = {"kind": "test file"}
        return frame, test_frame, rule
    if SPLIT_COLUMN in frame.columns:
        values = frame[SPLIT_COLUMN].fillna("").str.strip().str.lower()
        bad = sorted(set(values) - {"train", "test"})
        if bad:
            raise FileDatasetError(
                f"{source.path}: column {SPLIT_COLUMN!r} holds {bad[:5]}; it must say train or "
                "test on every row (or rename it to have a stratified split made)"
            )
        train, test = frame[values == "train"], frame[values == "test"]
        if not len(train) or not len(test):
            raise FileDatasetError(
                f"{source.path}: column {SPLIT_COLUMN!r} leaves no "
                f"{'train' if not len(train) else 'test'} rows"
            )
        return train.reset_index(drop=True), test.reset_index(drop=True), {"kind": "split column"}
    labels = frame[source.label_column].to_numpy()
    _enough_per_class(labels, 3, source, "for a stratified train/test split with validation")
    rule = {"kind": "stratified", "test_size": source.test_size, "seed": source.split_seed}
    codes = _codes(labels, _ordered(set(labels)))
    try:
        train_idx, test_idx = stratified_split(codes, source.test_size, source.split_seed)
    except ValueError as exc:
        raise FileDatasetError(f"{source.path}: cannot split: {exc}") from None
    train, test = frame.iloc[train_idx], frame.iloc[test_idx]
    return train.reset_index(drop=True), test.reset_index(drop=True), rule


def _enough_per_class(labels, minimum: int, source: FileSource, why: str) -> None:
    names, counts = np.unique(labels, return_counts=True)
    if len(names) < 2:
        raise FileDatasetError(
            f"{source.path}: column {source.label_column!r} holds one class only "
            f"({', '.join(map(repr, names)) or 'none'}); a classifier needs two or more"
        )
    small = [(n, c) for n, c in zip(names, counts) if c < minimum]
    if small:
        shown = ", ".join(f"{n!r} has {c}" for n, c in small[:5])
        raise FileDatasetError(
            f"{source.path}: too few rows in class(es) {shown}; each class needs at least "
            f"{minimum} {why}"
        )


def _classes(train, test, source: FileSource):
    """Class names in order (numerically when every label is an integer) and label indices."""
    col = source.label_column
    _enough_per_class(train[col].to_numpy(), 2, source, "in the training split (one to validate)")
    names = _ordered(set(train[col]))
    unseen = sorted(set(test[col]) - set(names))
    if unseen:
        raise FileDatasetError(
            f"{source.test_file or source.path}: test label(s) {unseen[:5]} never occur in "
            "train; a model cannot predict a class it was not trained on"
        )
    return tuple(names), _codes(train[col], names), _codes(test[col], names)


def _codes(labels, names: list[str]) -> np.ndarray:
    import pandas as pd

    return pd.Categorical(labels, categories=names).codes.astype(np.int64)


def _ordered(names) -> list[str]:
    """Class names sorted, numerically when every one is an integer (so 2 comes before 10)."""
    if all(re.fullmatch(r"-?\d+", n) for n in names):
        return sorted(names, key=int)
    return sorted(names)


def detect_language(texts: list[str], sample: int = 2_000) -> str:
    """``ko`` when Hangul makes up at least ``HANGUL_SHARE_FOR_KOREAN`` of the letters of the
    first ``sample`` texts, else ``en``."""
    joined = "".join(texts[:sample])
    letters = len(_LETTER.findall(joined))
    hangul = len(_HANGUL.findall(joined))
    return "ko" if letters and hangul / letters >= HANGUL_SHARE_FOR_KOREAN else "en"


def _describe_rule(rule: dict) -> str:
    if rule["kind"] == "stratified":
        return f"stratified split: test size {rule['test_size']}, seed {rule['seed']}"
    return {"test file": "the given test file", "split column": "the file's split column"}[
        rule["kind"]
    ]


def with_name(source: FileSource, name: str) -> FileSource:
    return replace(source, name=name)
