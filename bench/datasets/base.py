"""What a dataset is: a spec (metadata + files) and the loaded train/test splits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from bench.datahome import DataFile, file_status, require, sha256_of, verify
from bench.errors import DataFormatError


@dataclass
class Split:
    """Texts and integer labels (indices into the spec's ``classes``).

    ``groups``, where the publisher gives them, says which documents belong together (IMDB: the
    movie a review is about). Validation splits keep a group on one side, so a model is never
    chosen for recognising a movie it has already seen in training.
    """

    texts: list[str]
    labels: np.ndarray
    groups: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if len(self.texts) != len(self.labels):
            raise DataFormatError(f"{len(self.texts)} texts but {len(self.labels)} labels")
        if self.groups is not None:
            self.groups = np.asarray(self.groups, dtype=np.int64)
            if len(self.groups) != len(self.labels):
                raise DataFormatError(f"{len(self.texts)} texts but {len(self.groups)} group ids")

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, idx: np.ndarray) -> "Split":
        groups = None if self.groups is None else self.groups[idx]
        return Split([self.texts[i] for i in idx], self.labels[idx], groups)


@dataclass
class Dataset:
    """A loaded dataset: its spec and the publisher's train and test splits.

    ``modified`` is True when a file failed its checksum and ``BENCH_ALLOW_MODIFIED_DATA=1`` let
    it be used: results on it must say so.
    """

    spec: "DatasetSpec"
    train: Split
    test: Split
    modified: bool = False

    @property
    def classes(self) -> tuple[str, ...]:
        return self.spec.classes


@dataclass(frozen=True)
class DatasetSpec:
    """Metadata of a dataset and the function that reads its publisher's files.

    ``reader(spec)`` returns ``(train, test)``. ``sizes`` are the expected (train, test) sizes of
    the real files, checked by the tests; ``split_note`` documents how a split was made where the
    publisher has none.
    """

    name: str
    language: str
    task: str
    classes: tuple[str, ...]
    citation: str
    homepage: str
    files: tuple[DataFile, ...]
    reader: Callable[["DatasetSpec"], tuple[Split, Split]]
    sizes: tuple[int, int] | None = None
    user_supplied: bool = False
    split_note: str = ""
    extra: dict = field(default_factory=dict)

    def paths(self, *, download: bool = True) -> list[Path]:
        """The dataset's files in the data home (downloaded first if needed and possible), each
        checked against its registered checksum: a file failing it is refused (``verify``)."""
        out = []
        for f in self.files:
            out.append(require(f, download=download))
            verify(f, self.name)
        return out

    def data_modified(self) -> bool:
        """True when a present file fails its registered checksum, i.e. the data was used only
        because ``BENCH_ALLOW_MODIFIED_DATA=1`` (a run on it should record and show that)."""
        return any(file_status(f) == "checksum mismatch" for f in self.files)

    def load(self) -> Dataset:
        """Read the train and test splits; ``DataFormatError`` for a file the reader rejects."""
        train, test = self.reader(self)
        for split in (train, test):
            bad = split.labels[(split.labels < 0) | (split.labels >= len(self.classes))]
            if len(bad):
                raise DataFormatError(
                    f"{self.name}: label index {bad[0]} outside {len(self.classes)} classes"
                )
        return Dataset(self, train, test, modified=self.data_modified())

    def checksum(self) -> str:
        """One SHA-256 over the dataset's files, identifying the data a run used."""
        import hashlib

        digest = hashlib.sha256()
        for path in self.paths():
            digest.update(sha256_of(path).encode())
        return digest.hexdigest()

    def describe(self, *, with_sizes: bool) -> dict:
        """A JSON-ready description for ``bench list``; sizes only when the files are present and
        readable, else an ``error`` saying what is wrong with them (one dataset's bad file must
        not hide the others)."""
        out = {
            "name": self.name,
            "language": self.language,
            "task": self.task,
            "n_classes": len(self.classes),
            "classes": list(self.classes),
            "citation": self.citation,
            "homepage": self.homepage,
            "user_supplied": self.user_supplied,
        }
        try:
            out["files"] = {f.relpath: file_status(f) for f in self.files}
            if with_sizes and all(f.path.is_file() for f in self.files):
                if self.sizes and all(s == "present" for s in out["files"].values()):
                    out["train_size"], out["test_size"] = self.sizes
                else:
                    ds = self.load()
                    out["train_size"], out["test_size"] = len(ds.train), len(ds.test)
        except Exception as exc:  # noqa: BLE001 - shown in the dataset's row, not a traceback
            out["error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if not isinstance(exc, DataFormatError | OSError):
                out["error"] = f"{type(exc).__name__}: {out['error']}"
        return out


def stratified_split(
    labels: np.ndarray, test_size: float | int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified train/test split, reproducible from ``seed``; ``test_size`` is the
    test part's fraction (a float) or its number of items (an int), as in scikit-learn."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        idx, test_size=test_size, stratify=labels, random_state=seed
    )
    return np.sort(train_idx), np.sort(test_idx)


def not_utf8(path: Path, opener: Callable = open) -> DataFormatError:
    """The one-line error for a file that should be UTF-8 text and is not: it names the line and
    byte offset of the first bad byte (``opener`` reads compressed files, e.g. ``gzip.open``)."""
    offset = 0
    where = "" if opener is open else " of the uncompressed text"
    try:
        with opener(path, "rb") as fh:
            for lineno, line in enumerate(fh, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    return DataFormatError(
                        f"{path} line {lineno} (byte offset {offset + exc.start:,}{where}): byte "
                        f"0x{line[exc.start]:02x} is not UTF-8; the file must be UTF-8 text, "
                        "fetch it again or re-save it as UTF-8."
                    )
                offset += len(line)
    except OSError:
        pass
    return DataFormatError(f"{path} is not UTF-8 text; fetch it again or re-save it as UTF-8.")


def label_index(classes: tuple[str, ...], raw: str, where: str) -> int:
    try:
        return classes.index(raw)
    except ValueError:
        raise DataFormatError(
            f"{where}: unknown label {raw!r}; expected one of {list(classes)}"
        ) from None
