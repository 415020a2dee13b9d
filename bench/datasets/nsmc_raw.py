"""The raw NSMC crawl: 702,404 Naver movie reviews with their 1-10 ratings (Park 2015).

The published NSMC was sampled from this crawl; here it serves the scaling runs (fit time and
memory from 10k reviews up to the whole crawl) and Korean language-model corpora.

File: ``nsmc/nsmc_raw_reviews.tsv.gz``, gzip, tab-separated ``id movie_id date rating document``
with a header row and no quoting. Labels follow NSMC's rule: rating 9-10 positive, 1-4 negative,
5-8 dropped (489,729 reviews remain: 116,684 negative, 373,045 positive). The crawl has no split:
a fixed test set of ``TEST_SIZE`` reviews is drawn stratified by class with seed ``SPLIT_SEED``;
the other 439,729 are train. It overlaps the published NSMC files (same source), so never compare
its accuracy with NSMC's.
"""

from __future__ import annotations

import csv
import gzip
import sys
import zlib
from pathlib import Path

import numpy as np

from bench.datahome import DataFile
from bench.datasets.base import DatasetSpec, Split, not_utf8
from bench.errors import DataFormatError

CLASSES = ("negative", "positive")
HEADER = ["id", "movie_id", "date", "rating", "document"]
TEST_SIZE = 50_000
SPLIT_SEED = 20150101


def rating_label(rating: int) -> int | None:
    """NSMC's rule: 1-4 negative (0), 9-10 positive (1), anything else dropped (None)."""
    if 1 <= rating <= 4:
        return 0
    if 9 <= rating <= 10:
        return 1
    return None


def read_rows(path: Path) -> tuple[list[str], list[int]]:
    """Every review of the crawl and its rating, in file order."""
    csv.field_size_limit(sys.maxsize)
    texts, ratings = [], []
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header != HEADER:
                raise DataFormatError(
                    f"{path}: expected header {' '.join(HEADER)!r} (tab-separated), got {header!r}"
                )
            for lineno, row in enumerate(reader, start=2):
                if len(row) != 5 or not row[3].isdigit():
                    raise DataFormatError(
                        f"{path} line {lineno}: expected 5 tab-separated columns "
                        "with an integer rating"
                    )
                texts.append(row[4])
                ratings.append(int(row[3]))
    except UnicodeDecodeError:
        raise not_utf8(path, gzip.open) from None
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(
            f"{path} is not a complete gzip file ({exc}); fetch it again"
        ) from None
    return texts, ratings


def read_raw(path: Path) -> Split:
    """Every labelled review of the crawl (rating 1-4 or 9-10), in file order."""
    return _labelled(*read_rows(path))[0]


def _labelled(texts: list[str], ratings: list[int]) -> tuple[Split, np.ndarray]:
    """The labelled reviews and their row numbers in the file."""
    labels = [rating_label(r) for r in ratings]
    rows = [i for i, y in enumerate(labels) if y is not None]
    return Split([texts[i] for i in rows], [labels[i] for i in rows]), np.asarray(
        rows, dtype=np.int64
    )


def _test_rows(full: Split, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``full``) of the train and test reviews: the fixed stratified split."""
    if len(full) < 4:
        raise DataFormatError(
            f"{path}: only {len(full)} reviews rated 1-4 or 9-10; nothing to split"
        )
    from sklearn.model_selection import train_test_split

    # an exact count on the real file; small files (the tests') keep 80% for training
    test_size = TEST_SIZE if len(full) >= 5 * TEST_SIZE else 0.2
    train_idx, test_idx = train_test_split(
        np.arange(len(full)), test_size=test_size, stratify=full.labels, random_state=SPLIT_SEED
    )
    return np.sort(train_idx), np.sort(test_idx)


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    full = read_raw(path)
    train_idx, test_idx = _test_rows(full, path)
    return full.take(train_idx), full.take(test_idx)


def lm_texts(spec: DatasetSpec) -> tuple[list[str], list[str]]:
    """A language-model corpus as large as the crawl: every review outside the classification test
    set, ratings 5-8 included (an LM needs no label), and the test set's reviews."""
    (path,) = spec.paths()
    texts, ratings = read_rows(path)
    full, rows = _labelled(texts, ratings)
    _, test_idx = _test_rows(full, path)
    held_out = np.zeros(len(texts), dtype=bool)
    held_out[rows[test_idx]] = True
    return [t for t, h in zip(texts, held_out) if not h], [t for t, h in zip(texts, held_out) if h]


SPEC = DatasetSpec(
    name="nsmc-raw",
    language="ko",
    task="sentiment",
    classes=CLASSES,
    citation="Park, L. (2015). Naver Sentiment Movie Corpus v1.0 (raw crawl). https://github.com/e9t/nsmc",
    homepage="https://github.com/e9t/nsmc",
    files=(
        DataFile(
            "nsmc/nsmc_raw_reviews.tsv.gz",
            "https://github.com/e9t/nsmc/tree/master/raw",
            sha256="9e02f0a309fba3f3158245187abdeac81bf7514213c3e6620c6f44faa7dbbfd7",
            publisher_sha256=None,
            downloadable=False,
        ),  # built from the repo's raw/*.json
    ),
    reader=read,
    sizes=(439_729, 50_000),
    split_note=f"no official split: {TEST_SIZE:,} reviews stratified by class (seed {SPLIT_SEED}) "
    "as test, the rest train; ratings 5-8 dropped as in NSMC",
)
