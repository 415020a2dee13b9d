"""Validation splits carved out of train: stratified, reproducible, grouped where groups exist."""

import numpy as np

from core.validation import validation_split


def test_plain_split_is_stratified_disjoint_and_reproducible():
    labels = np.array([0] * 90 + [1] * 10)
    tr, va = validation_split(labels, 0.1, seed=0)
    assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 100
    assert len(va) == 10 and labels[va].sum() == 1  # the 9:1 class ratio kept
    assert np.array_equal(va, validation_split(labels, 0.1, seed=0)[1])
    assert not np.array_equal(va, validation_split(labels, 0.1, seed=1)[1])


def test_grouped_split_keeps_each_group_on_one_side():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 300, size=3000)
    labels = (rng.random(3000) < 0.5).astype(int)
    tr, va = validation_split(labels, 0.1, seed=0, groups=groups)
    assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 3000
    assert not set(groups[tr]) & set(groups[va])
    assert 200 <= len(va) <= 400  # about a tenth of the documents
    assert abs(labels[va].mean() - labels.mean()) < 0.05


def test_grouped_split_falls_back_to_plain_when_groups_are_too_few():
    labels = np.array([0, 1] * 20)
    groups = np.array([0, 1, 2] * 13 + [0])  # 3 groups cannot make 10 folds
    assert np.array_equal(
        validation_split(labels, 0.1, 0, groups)[1], validation_split(labels, 0.1, 0)[1]
    )


def test_folds_partition_train_and_respect_groups():
    from core.validation import validation_folds

    rng = np.random.default_rng(1)
    groups = rng.integers(0, 100, size=1000)
    labels = (rng.random(1000) < 0.3).astype(int)
    folds = validation_folds(labels, 5, 0.1, seed=0, groups=groups)
    assert len(folds) == 5
    assert sorted(np.concatenate([va for _, va in folds])) == list(range(1000))
    for tr, va in folds:
        assert not set(groups[tr]) & set(groups[va])
    plain = validation_folds(labels, 5, 0.1, seed=0)
    assert len(plain) == 5 and all(abs(labels[va].mean() - 0.3) < 0.05 for _, va in plain)
    assert len(validation_folds(labels, 1, 0.1, seed=0)) == 1
