"""IMDB Large Movie Review Dataset v1.0 (Maas et al. 2011): 25k/25k balanced polarity reviews."""

from __future__ import annotations

import re

from bench.datahome import DataFile
from bench.datasets.archive import iter_tar_texts
from bench.datasets.base import DatasetSpec, Split
from bench.errors import DataFormatError

CLASSES = ("negative", "positive")
_MEMBER = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
_URLS = re.compile(r"(?:^|/)aclImdb/(train|test)/urls_(pos|neg)\.txt$")
_MOVIE = re.compile(r"/title/tt(\d+)")


def movie_ids(urls_text: str) -> list[int]:
    """The IMDB title number of each line of ``urls_{pos,neg}.txt`` (line i: review ``i_*.txt``)."""
    out = []
    for line in urls_text.splitlines():
        m = _MOVIE.search(line)
        out.append(int(m.group(1)) if m else -1)
    return out


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    rows: dict[str, list[tuple[int, int, str]]] = {"train": [], "test": []}
    urls: dict[tuple[str, int], list[int]] = {}
    for name, text in iter_tar_texts(path, "utf-8"):
        m = _MEMBER.search(name)
        if m:
            split, pol, doc_id, _rating = m.groups()
            rows[split].append((int(pol == "pos"), int(doc_id), text))
        elif u := _URLS.search(name):
            urls[(u.group(1), int(u.group(2) == "pos"))] = movie_ids(text)
    if not rows["train"] or not rows["test"]:
        raise DataFormatError(
            f"{path} has no aclImdb/train and aclImdb/test reviews; is it the IMDB archive?"
        )
    out = []
    for split in ("train", "test"):
        items = sorted(rows[split], key=lambda r: (r[0], r[1]))  # archive order is not guaranteed
        out.append(
            Split([t for _, _, t in items], [y for y, _, _ in items], _groups(split, items, urls))
        )
    return out[0], out[1]


def _groups(split: str, items: list, urls: dict) -> list[int] | None:
    """Movie id per review from the urls files; None (no grouping) when the archive lacks them."""
    try:
        ids = [urls[(split, y)][doc_id] for y, doc_id, _ in items]
    except (KeyError, IndexError):
        return None
    # a line without a title (never seen in v1.0) becomes its own group
    return [i if i >= 0 else -1 - n for n, i in enumerate(ids)]


SPEC = DatasetSpec(
    name="imdb",
    language="en",
    task="sentiment",
    classes=CLASSES,
    citation="Maas, A. L. et al. (2011). Learning Word Vectors for Sentiment Analysis. ACL 2011.",
    homepage="https://ai.stanford.edu/~amaas/data/sentiment/",
    files=(
        DataFile(
            "imdb/aclImdb_v1.tar.gz",
            "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            sha256="67bf296481dcdfd159f0555ca5c77d8e381f5b14b297af2a61df8475bde60d50",
            publisher_sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
        ),
    ),
    reader=read,
    sizes=(25_000, 25_000),
)
