"""Keras's Reuters newswire topics (``reuters.npz``, 46 topics, already word-indexed).

A user-supplied file (Keras downloads it from Google storage; no offline copy exists here):
``reuters46/reuters.npz`` and optionally ``reuters46/reuters_word_index.json`` in the data home.
The split reproduces ``keras.datasets.reuters.load_data()``: shuffle with seed 113, last 20% test.
With the word index the indices are decoded to words; without it each index becomes a token
``w<index>`` (feeding the indices as they are).
"""

from __future__ import annotations

import json
import zipfile

import numpy as np

from bench.datahome import DataFile, data_home
from bench.datasets.base import DatasetSpec, Split
from bench.errors import DataFormatError

CLASSES = (
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
)
KERAS_SEED, TEST_SPLIT = 113, 0.2
_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
WORD_INDEX = "reuters46/reuters_word_index.json"


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    try:
        # object arrays of ragged lists are pickled inside the npz; this is the user's own file
        with np.load(path, allow_pickle=True) as f:
            xs, ys = f["x"], f["y"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise DataFormatError(
            f"{path} is not Keras's reuters.npz with arrays 'x' and 'y' ({exc})"
        ) from None
    if len(xs) != len(ys):
        raise DataFormatError(f"{path}: {len(xs)} sequences but {len(ys)} labels")
    index_path = data_home() / WORD_INDEX
    if index_path.is_file():
        inverse = {int(i): w for w, i in json.loads(index_path.read_text(encoding="utf-8")).items()}
        decode = lambda seq: " ".join(inverse.get(int(i), "<unk>") for i in seq)  # noqa: E731
    else:
        decode = lambda seq: " ".join(f"w{int(i)}" for i in seq)  # noqa: E731
    order = np.arange(len(xs))
    np.random.RandomState(KERAS_SEED).shuffle(order)
    texts = [decode(xs[i]) for i in order]
    labels = np.asarray(ys)[order].astype(np.int64)
    cut = int(len(texts) * (1 - TEST_SPLIT))
    return Split(texts[:cut], labels[:cut]), Split(texts[cut:], labels[cut:])


SPEC = DatasetSpec(
    name="reuters46",
    language="en",
    task="topic classification",
    classes=CLASSES,
    citation="Reuters-21578 newswire topics as preprocessed by Keras (keras.datasets.reuters); "
    "Lewis, D. D. (1997). Reuters-21578 text categorization test collection.",
    homepage="https://keras.io/api/datasets/reuters/",
    files=(
        DataFile(
            "reuters46/reuters.npz",
            _ORIGIN + "reuters.npz",
            sha256="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
        ),
    ),
    reader=read,
    sizes=(8_982, 2_246),
    user_supplied=True,
    split_note="keras.datasets.reuters.load_data(): shuffled with seed 113, last 20% is test",
)
