"""Reuters-21578 R8 (ModApte, single-label, 8 most frequent topics; Cardoso-Cachopo 2007)."""

from __future__ import annotations

from pathlib import Path

from bench.datahome import DataFile
from bench.datasets.base import DatasetSpec, Split, label_index
from bench.errors import DataFormatError

CLASSES = ("acq", "crude", "earn", "grain", "interest", "money-fx", "ship", "trade")
_BASE = "https://ana.cachopo.org/datasets-for-single-label-text-categorization/"


def read_topic_lines(path: Path, classes: tuple[str, ...]) -> Split:
    """Read one ``<label><TAB><text>`` document per line (R8 and SMS Spam share this shape)."""
    texts, labels = [], []
    with open(path, encoding="utf-8", errors="replace", newline="\n") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            label, sep, text = line.partition("\t")
            if not sep:
                raise DataFormatError(f"{path} line {lineno}: expected '<label><TAB><text>'")
            labels.append(label_index(classes, label, f"{path} line {lineno}"))
            texts.append(text)
    if not texts:
        raise DataFormatError(f"{path} holds no documents")
    return Split(texts, labels)


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    train_path, test_path = spec.paths()
    return read_topic_lines(train_path, spec.classes), read_topic_lines(test_path, spec.classes)


SPEC = DatasetSpec(
    name="r8",
    language="en",
    task="topic classification",
    classes=CLASSES,
    citation="Cardoso-Cachopo, A. (2007). Improving Methods for Single-label Text Categorization. "
    "PhD thesis, Instituto Superior Tecnico (R8 subset of Reuters-21578, ModApte split).",
    homepage="https://ana.cachopo.org/datasets-for-single-label-text-categorization",
    files=(
        DataFile(
            "r8/r8-train-all-terms.txt",
            _BASE + "r8-train-all-terms.txt",
            sha256="3ed60c905aaa95b96c3fc4afb6d14ad2e20106c59c5b9dda950dcb3075eecfbe",
        ),
        DataFile(
            "r8/r8-test-all-terms.txt",
            _BASE + "r8-test-all-terms.txt",
            sha256="2ba368c42e6808bc3dc68b8f7879eb07a2810ed137f0b304e2213b689677e561",
        ),
    ),
    reader=read,
    sizes=(5_485, 2_189),
)
