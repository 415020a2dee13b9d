"""Women's E-Commerce Clothing Reviews (Kaggle, Agarwal 2018): will the reviewer recommend it?

A user-supplied file: place the Kaggle CSV at ``clothing_reviews/Womens Clothing E-Commerce
Reviews.csv`` in the data home. Text is ``Review Text``, label ``Recommended IND``; rows without
text are dropped; split 80/20 stratified with seed ``SPLIT_SEED``.
"""

from __future__ import annotations

import csv

from bench.datahome import DataFile
from bench.datasets.base import DatasetSpec, Split, not_utf8, stratified_split
from bench.errors import DataFormatError

CLASSES = ("not recommended", "recommended")
SPLIT_SEED = 20180101
TEXT, LABEL = "Review Text", "Recommended IND"


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    texts, labels = [], []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {TEXT, LABEL} - set(reader.fieldnames or ())
            if missing:
                raise DataFormatError(
                    f"{path}: missing column(s) {sorted(missing)}; is it the Kaggle CSV?"
                )
            for lineno, row in enumerate(reader, start=2):
                text = (row[TEXT] or "").strip()
                if not text:
                    continue
                if row[LABEL] not in ("0", "1"):
                    raise DataFormatError(
                        f"{path} row {lineno}: {LABEL} must be 0 or 1, got {row[LABEL]!r}"
                    )
                texts.append(text)
                labels.append(int(row[LABEL]))
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    if len(texts) < 10:
        raise DataFormatError(
            f"{path}: only {len(texts)} reviews with text; need at least 10 to split"
        )
    full = Split(texts, labels)
    train_idx, test_idx = stratified_split(full.labels, 0.2, SPLIT_SEED)
    return full.take(train_idx), full.take(test_idx)


SPEC = DatasetSpec(
    name="clothing-reviews",
    language="en",
    task="recommendation (sentiment)",
    classes=CLASSES,
    citation="Agarwal, N. (2018). Women's E-Commerce Clothing Reviews. Kaggle dataset.",
    homepage="https://www.kaggle.com/datasets/nicapotato/womens-ecommerce-clothing-reviews",
    files=(
        DataFile(
            "clothing_reviews/Womens Clothing E-Commerce Reviews.csv",
            "https://www.kaggle.com/datasets/nicapotato/womens-ecommerce-clothing-reviews",
            sha256=None,
            publisher_sha256=None,
            downloadable=False,
        ),  # needs a Kaggle login
    ),
    reader=read,
    user_supplied=True,
    split_note=f"no official split: rows without text dropped, 80/20 stratified, seed {SPLIT_SEED}",
)
