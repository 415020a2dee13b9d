"""Training-size knob, data-efficiency sweeps, scaling plans and their memory figure, and the raw
NSMC crawl loader."""

from __future__ import annotations

import gzip

import pytest

from bench.cli import build_parser
from bench.datasets import get_dataset
from bench.datasets.nsmc_raw import rating_label
from bench.errors import BenchError, DataFormatError
from bench.results import load_results, results_home
from bench.runner import _resolve, make_config, result_path, run
from bench.sweep import effective_sizes, parse_sizes, plan_scale, plan_sizes


def test_max_train_is_part_of_identity_only_when_set(tiny_home):
    plain = make_config("imdb", "nb", profile="quick")
    assert "max_train" not in _resolve(plain)[-1]  # runs without it keep their old run ids
    paths = {
        result_path(make_config("imdb", "nb", profile="quick", max_train=n), results_home())
        for n in (None, 10, 20)
    }
    assert len(paths) == 3
    capped = make_config("imdb", "nb", profile="quick", max_train=10)
    assert "__n10__" in result_path(capped, results_home()).name
    assert "10 train" in make_config("imdb", "nb", max_train=10).label()
    with pytest.raises(ValueError):
        make_config("imdb", "nb", max_train=0)


def test_run_with_max_train_uses_a_stratified_slice(tiny_home):
    config = make_config("imdb", "nb", profile="quick", max_train=10)
    result = run(config, results_dir=results_home(), quiet=True)
    assert result.train_size == 10 and result.max_train == 10 and result.test_size == 40
    assert load_results(results_home())[0].max_train == 10


def test_sizes_parse_and_clip_to_the_dataset():
    assert parse_sizes(["1k", "5_000", "25,000", "full"], ()) == [1000, 5000, 25000, None]
    assert parse_sizes(None, (1, None)) == [1, None]
    with pytest.raises(BenchError, match="--sizes"):
        parse_sizes(["lots"], ())
    assert effective_sizes([10, 100, None, 20], 40) == [10, None, 20]


def test_sweep_and_scale_plans(tiny_home):
    configs = plan_sizes(["imdb"], ["nb", "lstm"], [10, 20, 1000], [0, 1], "quick")
    assert [(c.max_train, c.model, c.seed) for c in configs[:4]] == [
        (10, "nb", 0),
        (10, "nb", 1),
        (10, "lstm", 0),
        (10, "lstm", 1),
    ]
    assert {c.max_train for c in configs} == {10, 20, None}  # 1000 > 40 documents: the full run
    _write_raw(tiny_home / "nsmc" / "nsmc_raw_reviews.tsv.gz", 60)
    scale = plan_scale("nsmc-raw", ["nb"], [10, 20, None], ["lstm"], [10], "quick")
    assert [(c.model, c.max_train) for c in scale] == [
        ("nb", 10),
        ("nb", 20),
        ("nb", None),
        ("lstm", 10),
    ]


def test_sweep_command_runs_points_as_ordinary_runs(tiny_home, capsys):
    args = build_parser().parse_args(
        [
            "sweep",
            "--dataset",
            "sms-spam",
            "--models",
            "nb",
            "--sizes",
            "10",
            "20",
            "full",
            "--profile",
            "quick",
            "--no-report",
        ]
    )
    assert args.func(args) == 0
    stored = load_results(results_home())
    assert sorted((r.max_train or 0, r.train_size) for r in stored) == [(0, 40), (10, 10), (20, 20)]
    assert "grid: 3 run" in capsys.readouterr().err


def _write_raw(path, n, header="id\tmovie_id\tdate\trating\tdocument"):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header] + [
        f"{i}\t{100 + i}\t15.01.01\t{1 + i % 10}\t리뷰 {i} 좋아요" for i in range(n)
    ]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def test_nsmc_raw_labels_by_rating_and_splits(isolated):
    _write_raw(isolated / "data" / "nsmc" / "nsmc_raw_reviews.tsv.gz", 100)
    data = get_dataset("nsmc-raw").load()
    assert len(data.train) + len(data.test) == 60  # ratings 5-8 dropped: 6 of every 10 kept
    assert len(data.test) == 12 and set(data.train.labels) == {0, 1}
    assert [rating_label(r) for r in range(1, 11)] == [0, 0, 0, 0, None, None, None, None, 1, 1]


def test_nsmc_raw_bad_files_are_clear_errors(isolated):
    path = isolated / "data" / "nsmc" / "nsmc_raw_reviews.tsv.gz"
    _write_raw(path, 20, header="id\tdocument\tlabel")
    with pytest.raises(DataFormatError, match="expected header"):
        get_dataset("nsmc-raw").load()
    _write_raw(path, 2000)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DataFormatError, match="not a complete gzip file"):
        get_dataset("nsmc-raw").load()


def test_nsmc_raw_real_file_is_the_mirrored_one(real_home):
    from bench.datahome import file_status

    spec = get_dataset("nsmc-raw")
    assert [file_status(f) for f in spec.files] == ["present"]
    assert spec.sizes == (439_729, 50_000)


def test_peak_watch_measures_the_block_and_keeps_the_process_peak():
    from bench.memory import PeakWatch
    from bench.sysinfo import peak_rss_mb

    before = peak_rss_mb()
    with PeakWatch() as watch:
        block = bytearray(80 * 2**20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        del block
    if watch.extra_mb is None:
        pytest.skip("this OS cannot reset a process's peak memory")
    assert 60 < watch.extra_mb < 200
    assert watch.process_peak_mb() >= before


def test_lm_texts_hold_every_review_outside_the_classification_test_set(isolated):
    from bench.datasets.nsmc_raw import lm_texts

    _write_raw(isolated / "data" / "nsmc" / "nsmc_raw_reviews.tsv.gz", 100)
    spec = get_dataset("nsmc-raw")
    pool, test = lm_texts(spec)
    assert len(pool) + len(test) == 100  # ratings 5-8 kept: a language model needs no label
    assert sorted(test) == sorted(spec.load().test.texts)
    assert not set(pool) & set(test)


def test_scale_command_adds_ngram_lm_points_to_the_report(tiny_home):
    import json

    _write_raw(tiny_home / "nsmc" / "nsmc_raw_reviews.tsv.gz", 200)
    args = build_parser().parse_args(
        [
            "scale",
            "--models",
            "nb",
            "--sizes",
            "20",
            "full",
            "--neural-models",
            "--lm-sizes",
            "20",
            "60",
            "full",
            "--profile",
            "quick",
        ]
    )
    assert args.func(args) == 0
    scale_dir = results_home() / "lm_scale"
    points = [json.loads(p.read_text()) for p in sorted(scale_dir.glob("*.json"))]
    # ratings 5-8 kept; 24 of the 120 labelled reviews are the classification test set
    assert sorted(p["train_size"] for p in points) == [20, 60, 176]
    assert all(
        p["fit_seconds"] > 0 and p["perplexity"] >= 1 and p["train_tokens"] > 0 for p in points
    )
    html = (results_home() / "report" / "index.html").read_text()
    assert "ngram-mkn-3" in html
    # a second run finds every point stored and fits nothing
    stamps = {p.name: p.stat().st_mtime_ns for p in scale_dir.glob("*.json")}
    assert args.func(args) == 0
    assert stamps == {p.name: p.stat().st_mtime_ns for p in scale_dir.glob("*.json")}


def test_time_left_costs_each_run_by_its_own_model_and_counts_untimed_ones():
    from bench.grid import plan, time_left

    remaining = plan(["sms-spam", "r8"], ["nb", "lstm"], [0, 1], "default")
    sms_nb, r8_nb = ("sms-spam", "nb"), ("r8", "nb")
    assert time_left(remaining, {}) == ""
    # naive Bayes timed on SMS only: R8's naive Bayes takes SMS's mean, the four LSTM runs are
    # counted
    assert time_left(remaining, {sms_nb: [2.0, 4.0]}) == (
        ", about 0m12s left for the models timed so far + 4 runs of models not yet timed"
    )
    # each run at its own (dataset, model) mean once that has been timed
    timed = {sms_nb: [3.0], r8_nb: [5.0], ("sms-spam", "lstm"): [60.0], ("r8", "lstm"): [120.0]}
    assert time_left(remaining, timed) == ", about 6m16s left"
