"""Loading a user's 1,000,000-row CSV into a run: read, check, split and make the dataset.

The file is the SMS Spam Collection's messages drawn with replacement to a million rows (each made
unique by a row number), written once per session. What is timed is what a run does before it
tokenizes: ``FileSource.spec()`` (pyarrow's CSV reader, the column and class checks, the
stratified split, the file's checksum) and ``spec.load()``. The issue asks for well under a minute.
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.realdata

ROWS = 1_000_000


@pytest.fixture(scope="module")
def million_row_csv(tmp_path_factory):
    import pandas as pd

    from tests.conftest import REAL_DATA_HOME

    if REAL_DATA_HOME is None:
        pytest.skip("the real datasets are not here")
    with open(REAL_DATA_HOME / "sms_spam" / "SMSSpamCollection", encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t", 1) for line in fh]
    pick = np.random.default_rng(0).integers(0, len(rows), ROWS)
    frame = pd.DataFrame(
        {
            "category": [rows[i][0] for i in pick],
            "message": [f"{rows[i][1]} #{k}" for k, i in enumerate(pick)],
        }
    )
    path = tmp_path_factory.mktemp("user-file") / "sms-million.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.benchmark(group="user-file-load")
def test_load_a_million_row_csv(benchmark, million_row_csv):
    from bench.datasets import user_files

    def load():
        user_files._spec.cache_clear()  # no process-level reuse: each round reads the file
        spec = user_files.FileSource("sms-million", str(million_row_csv), "message", "category")
        return spec.spec().load()

    data = benchmark.pedantic(load, rounds=3, iterations=1, warmup_rounds=1)
    assert len(data.train) + len(data.test) == ROWS
    benchmark.extra_info.update(
        rows=ROWS,
        megabytes=million_row_csv.stat().st_size / 1e6,
        rows_per_s=ROWS / benchmark.stats.stats.mean,
    )
