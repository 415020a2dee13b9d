"""SMS Spam Collection v.1 (Almeida, Gomez Hidalgo & Yamakami 2011).

The publisher gives no split. We split 80/20, stratified by class, with seed ``SPLIT_SEED``
(scikit-learn's ``train_test_split``): 4,459 train / 1,115 test messages.
"""

from __future__ import annotations

from bench.datahome import DataFile
from bench.datasets.base import DatasetSpec, Split, stratified_split
from bench.datasets.r8 import read_topic_lines

CLASSES = ("ham", "spam")
SPLIT_SEED = 20110101
TEST_FRACTION = 0.2


def read(spec: DatasetSpec) -> tuple[Split, Split]:
    (path,) = spec.paths()
    full = read_topic_lines(path, spec.classes)
    train_idx, test_idx = stratified_split(full.labels, TEST_FRACTION, SPLIT_SEED)
    return full.take(train_idx), full.take(test_idx)


SPEC = DatasetSpec(
    name="sms-spam",
    language="en",
    task="spam filtering",
    classes=CLASSES,
    citation="Almeida, T. A., Gomez Hidalgo, J. M., Yamakami, A. (2011). "
    "Contributions to the Study of SMS Spam Filtering: New Collection and Results. "
    "DocEng 2011.",
    homepage="https://archive.ics.uci.edu/dataset/228/sms+spam+collection",
    files=(
        DataFile(
            "sms_spam/SMSSpamCollection",
            "https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip",
            sha256="edc1f2ca36319ca36c6f80fede2f6ae5f81335289352485f3924df077ec20266",
            member="SMSSpamCollection",
        ),
    ),
    reader=read,
    sizes=(4_459, 1_115),
    split_note=f"no official split: 80/20 stratified, seed {SPLIT_SEED}",
)
