"""Every loader on tiny publisher-format files, on the real data when present, and on bad input."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from bench.datasets import BENCHMARK_DATASETS, DATASETS, get_dataset
from bench.errors import BenchError, DataFormatError, MissingDataError

TINY_SIZES = {
    "imdb": (40, 40),
    "nsmc": (60, 20),
    "r8": (48, 48),
    "sms-spam": (40, 10),
    "20newsgroups": (15, 15),
    "clothing-reviews": (23, 6),
    "reuters46": (40, 10),
}


@pytest.mark.parametrize("name", list(TINY_SIZES))
def test_loader_reads_publisher_format(tiny_home, name):
    spec = get_dataset(name)
    ds = spec.load()
    assert (len(ds.train), len(ds.test)) == TINY_SIZES[name]
    for split in (ds.train, ds.test):
        assert all(isinstance(t, str) for t in split.texts)
        assert split.labels.dtype == np.int64
        assert split.labels.min() >= 0 and split.labels.max() < len(spec.classes)
    assert spec.language in ("en", "ko") and spec.citation and spec.classes


def test_imdb_labels_follow_folders(tiny_home):
    ds = get_dataset("imdb").load()
    for text, label in zip(ds.train.texts, ds.train.labels):
        assert any(
            w in text
            for w in (
                ["great", "wonderful", "loved", "excellent", "best"]
                if label
                else ["awful", "boring", "worst", "terrible", "waste"]
            )
        )


def test_imdb_groups_reviews_by_movie(tiny_home):
    ds = get_dataset("imdb").load()
    for split in (ds.train, ds.test):
        assert split.groups is not None and len(split.groups) == len(split)
    assert not set(ds.train.groups) & set(ds.test.groups)  # train and test movies differ
    assert 1 < len(set(ds.train.groups)) < len(ds.train)  # several reviews per movie
    half = ds.train.take(np.arange(0, len(ds.train), 2))
    assert np.array_equal(half.groups, ds.train.groups[::2])


def test_nsmc_keeps_empty_documents(tiny_home):
    ds = get_dataset("nsmc").load()
    assert "" in ds.train.texts  # as in the original corpus, empty reviews are data, not errors


def test_sms_split_is_stratified_and_reproducible(tiny_home):
    a, b = get_dataset("sms-spam").load(), get_dataset("sms-spam").load()
    assert a.train.texts == b.train.texts
    assert a.test.labels.sum() == 2 and a.train.labels.sum() == 8  # 20% spam in both parts


def test_clothing_drops_rows_without_text(tiny_home):
    ds = get_dataset("clothing-reviews").load()
    assert "" not in ds.train.texts + ds.test.texts
    assert len(ds.train) + len(ds.test) == 29


def test_reuters46_decodes_with_word_index_or_keeps_indices(tiny_home):
    ds = get_dataset("reuters46").load()
    assert ds.train.texts[0].split()[0].startswith("word")
    (tiny_home / "reuters46" / "reuters_word_index.json").unlink()
    ds = get_dataset("reuters46").load()
    assert (
        ds.train.texts[0].split()[0].startswith("w") and ds.train.texts[0].split()[0][1:].isdigit()
    )


def test_newsgroups_reads_latin1(tiny_home):
    ds = get_dataset("20newsgroups").load()
    assert any("café" in t for t in ds.train.texts)
    assert set(ds.train.labels) == {0, 14, 7}  # alt.atheism, sci.space, rec.autos


# ---- bad input --------------------------------------------------------------------------------


def test_missing_file_names_file_and_data_home(isolated):
    with pytest.raises(MissingDataError) as err:
        get_dataset("r8").load()
    msg = str(err.value)
    assert "r8-train-all-terms.txt" in msg and "BENCH_DATA_HOME" in msg and "\n" not in msg


def test_truncated_archive_is_a_clear_error(tiny_home):
    path = tiny_home / "imdb" / "aclImdb_v1.tar.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="truncated"):
        get_dataset("imdb").load()


def test_wrong_columns_are_a_clear_error(tiny_home):
    (tiny_home / "nsmc" / "ratings_train.txt").write_text(
        "id,text,label\n1,좋다,1\n", encoding="utf-8"
    )
    with pytest.raises(DataFormatError, match="header"):
        get_dataset("nsmc").load()
    (tiny_home / "r8" / "r8-train-all-terms.txt").write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="line 1"):
        get_dataset("r8").load()
    (tiny_home / "r8" / "r8-train-all-terms.txt").write_text(
        "sports\tunknown topic\n", encoding="utf-8"
    )
    with pytest.raises(DataFormatError, match="unknown label 'sports'"):
        get_dataset("r8").load()


def test_not_a_gzip_is_a_clear_error(tiny_home):
    (tiny_home / "20newsgroups" / "20news-bydate.tar.gz").write_bytes(gzip.compress(b"hello"))
    with pytest.raises(DataFormatError):
        get_dataset("20newsgroups").load()


def test_clothing_wrong_columns(tiny_home):
    (tiny_home / "clothing_reviews" / "Womens Clothing E-Commerce Reviews.csv").write_text(
        "a,b\n1,2\n"
    )
    with pytest.raises(DataFormatError, match="Review Text"):
        get_dataset("clothing-reviews").load()


def test_unknown_dataset_suggests_close_names():
    with pytest.raises(BenchError, match="Did you mean 'imdb'"):
        get_dataset("imbd")


def test_registry_refuses_duplicates():
    with pytest.raises(ValueError):
        DATASETS.register("imdb", "bench.datasets.imdb:SPEC")


# ---- the real data ----------------------------------------------------------------------------

REAL_SIZES = {
    "imdb": (25_000, 25_000),
    "nsmc": (150_000, 50_000),
    "r8": (5_485, 2_189),
    "sms-spam": (4_459, 1_115),
    "20newsgroups": (11_314, 7_532),
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", BENCHMARK_DATASETS)
def test_real_dataset_counts(real_home, name):
    spec = get_dataset(name)
    ds = spec.load()
    assert (len(ds.train), len(ds.test)) == REAL_SIZES[name]
    assert set(np.unique(ds.train.labels)) == set(range(len(spec.classes)))
    from bench.datahome import file_status

    assert all(file_status(f) == "present" for f in spec.files)  # checksums match the mirror


@pytest.mark.realdata
def test_real_class_balance(real_home):
    imdb = get_dataset("imdb").load()
    assert imdb.train.labels.sum() == 12_500 and imdb.test.labels.sum() == 12_500
    # the dataset README's promise: at most 30 reviews per movie, train and test movies disjoint
    # (as published, one title, tt0406816, has reviews on both sides)
    train_movies, test_movies = set(imdb.train.groups), set(imdb.test.groups)
    assert len(train_movies) == 3456 and len(test_movies) == 3581
    assert train_movies & test_movies == {406816}
    assert np.bincount(np.unique(imdb.train.groups, return_inverse=True)[1]).max() <= 30
    sms = get_dataset("sms-spam").load()
    assert sms.train.labels.sum() + sms.test.labels.sum() == 747
    assert sms.test.labels.sum() in (149, 150)
