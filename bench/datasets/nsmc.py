"""NSMC, the Naver Sentiment Movie Corpus v1.0 (Park 2015): 150k/50k Korean movie reviews."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.datahome import DataFile
from bench.datasets.base import DatasetSpec, Split, not_utf8
from bench.errors import DataFormatError

CLASSES = ("negative", "positive")
_BASE = "https://raw.githubusercontent.com/e9t/nsmc/master/"


def read_ratings(path: Path) -> Split:
    """Read one ``id<TAB>document<TAB>label`` file with a header row and no quoting."""
    texts, labels = [], []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header != ["id", "document", "label"]:
                raise DataFormatError(
                    f"{path}: expected header 'id<TAB>document<TAB>label', got {header!r}"
                )
            for lineno, row in enumerate(reader, start=2):
                if len(row) != 3 or row[2] not in ("0", "1"):
                    raise DataFormatError(
                        f"{path} line {lineno}: expected 3 tab-separated columns with label 0/1"
                    )
                texts.append(row[1])
                labels.append(int(row[2]))
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    return Split(texts, labels)


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    train_path, test_path = spec.paths()
    return read_ratings(train_path), read_ratings(test_path)


SPEC = DatasetSpec(
    name="nsmc",
    language="ko",
    task="sentiment",
    classes=CLASSES,
    citation="Park, L. (2015). Naver Sentiment Movie Corpus v1.0. https://github.com/e9t/nsmc",
    homepage="https://github.com/e9t/nsmc",
    files=(
        DataFile(
            "nsmc/ratings_train.txt",
            _BASE + "ratings_train.txt",
            sha256="840d169f0aa52e3ca48e33bed80bc129dacf47862dc72bd7e99149770635e155",
            publisher_sha256=None,
        ),  # the mirror is a rebuild; the publisher lists no checksum
        DataFile(
            "nsmc/ratings_test.txt",
            _BASE + "ratings_test.txt",
            sha256="5ecca98dd767dca1c82116e36af129fef66ed1a537a18b4b1ae55a8dbcd60c5a",
            publisher_sha256=None,
        ),
    ),
    reader=read,
    sizes=(150_000, 50_000),
)
