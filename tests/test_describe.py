"""Know your data: dataset descriptions, the leakage audit, ``bench data --describe``, the report.

Counts are checked on hand-made splits with known duplicates, leaks and out-of-vocabulary tokens,
and on the tiny fixture datasets (``tiny_home``) against plain set arithmetic on their texts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import data_profile
from bench.data_profile import LEAK_WARN_SHARE, leakage, normalise, vocabulary
from bench.datasets import Split, get_dataset
from bench.describe import cache_path, describe_dataset, profile_splits, summary_lines

ROOT = Path(__file__).resolve().parent.parent
CLASSES = ("neg", "pos")
# train: "good movie" twice (same label), "bad film" twice (labels differ), one empty text
TRAIN = (
    ["Good movie", "good   movie ", "Bad film", "  ", "Bad film", "unique one"],
    [1, 1, 0, 0, 1, 1],
)
# test: "GOOD MOVIE" is in train with another label, "bad film" is in train with both labels,
# "unique one" is in train exactly with the same label; "new text" twice; one empty text
TEST = (["GOOD MOVIE", "bad film", "new text", "new  text", "", "unique one"], [0, 1, 1, 1, 0, 1])


def test_normalise_folds_case_whitespace_and_unicode_forms():
    assert normalise("  Caf\u0065\u0301\tOK\n\nNow ") == normalise("café ok now") == "café ok now"
    assert normalise("STRASSE") == normalise("straße")  # case folding, not lower-casing


def test_leakage_counts_on_hand_made_splits():
    audit = leakage(CLASSES, *TRAIN, *TEST)
    assert audit["train_empty"] == 1 and audit["test_empty"] == 1
    assert audit["train_duplicates"] == 2  # the second "good movie" and the second "bad film"
    assert audit["train_duplicates_conflicting"] == 1  # "bad film": neg, then pos
    assert audit["test_duplicates"] == 1  # "new  text"
    assert audit["test_in_train"] == 3
    assert audit["test_in_train_exact"] == 1  # "unique one" only; the others differ in case
    assert audit["test_in_train_conflicting"] == 2  # "GOOD MOVIE" and "bad film"
    assert audit["test_in_train_share"] == pytest.approx(3 / 6)
    assert len(audit["warnings"]) == 1 and "3 of 6 test texts" in audit["warnings"][0]
    first = audit["examples"]["test_in_train"][0]
    assert first == {"text": "GOOD MOVIE", "test_label": "neg", "train_labels": ["pos"]}
    assert {e["text"]: e["copies"] for e in audit["examples"]["train_duplicates"]} == {
        "good movie": 2,
        "bad film": 2,
    }


def test_no_warning_at_or_below_the_threshold():
    n = int(1 / LEAK_WARN_SHARE)  # one leaked text in n test texts: exactly the threshold
    test = [f"text {i}" for i in range(n)]
    audit = leakage(CLASSES, ["text 0"], [0], test, [0] * n)
    assert audit["test_in_train"] == 1 and audit["warnings"] == []
    audit = leakage(CLASSES, ["text 0", "text 1"], [0, 0], test, [0] * n)
    assert audit["test_in_train"] == 2 and len(audit["warnings"]) == 1


def test_vocabulary_and_oov_rates():
    v = vocabulary([["a", "b"], ["a", "c"]], [["a", "d", "d"], ["e"]])
    assert (v["train_vocab"], v["test_vocab"], v["train_tokens"], v["test_tokens"]) == (3, 3, 4, 4)
    assert v["test_oov_tokens"] == 3 and v["test_oov_token_rate"] == pytest.approx(3 / 4)
    assert v["test_oov_types"] == 2 and v["test_oov_type_rate"] == pytest.approx(2 / 3)


def test_length_distribution_and_histogram():
    d = data_profile.distribution([1, 2, 3, 4, 5])
    assert (d["p50"], d["mean"], d["max"], d["p25"]) == (3.0, 3.0, 5, 2.0)
    h = data_profile.histogram([1, 2, 3, 1000], [2, 2], bins=4)
    # four bins up to the 99th percentile of the six lengths, rounded up to whole bin widths
    assert h["edges"] == [0.0, 238.0, 476.0, 714.0, 952.0]
    assert h["train"] == [3, 0, 0, 0] and h["train_above"] == 1
    assert h["test"] == [2, 0, 0, 0] and h["test_above"] == 0
    assert sum(h["test"]) == 2 and h["test_above"] == 0


def test_profile_splits_sizes_per_class():
    train, test = Split(*TRAIN), Split(*TEST)
    doc = profile_splits(CLASSES, train, test, [t.split() for t in TRAIN[0]], [[]] * 6)
    assert doc["sizes"]["classes"] == [
        {"class": "neg", "train": 2, "test": 2},
        {"class": "pos", "train": 4, "test": 4},
    ]
    assert doc["chars"]["train"]["max"] == len("good   movie ")
    assert doc["tokens"]["test"]["max"] == 0 and doc["vocabulary"]["test_oov_token_rate"] == 0.0


def _oracle(data) -> tuple[int, int]:
    """Test texts found in train and duplicates within train, by plain set arithmetic (the tiny
    fixtures' texts are already in normal form)."""
    train = set(data.train.texts)
    return sum(t in train for t in data.test.texts), len(data.train.texts) - len(train)


def test_describe_tiny_sms_counts_and_cache(tiny_home):
    data = get_dataset("sms-spam").load()
    doc = describe_dataset("sms-spam")
    leaked, train_dups = _oracle(data)
    assert leaked > 0 and train_dups > 0  # the fixture repeats a few messages
    assert doc["leakage"]["test_in_train"] == leaked
    assert doc["leakage"]["train_duplicates"] == train_dups
    assert doc["leakage"]["warnings"]  # far above the threshold
    assert (doc["sizes"]["train"], doc["sizes"]["test"]) == (len(data.train), len(data.test))
    assert doc["tokenizer"]["name"] == "english" and doc["schema_version"] == 1
    assert doc["data_sha256"] == get_dataset("sms-spam").checksum()
    path = cache_path("sms-spam", doc["data_sha256"], "english")
    assert json.loads(path.read_text(encoding="utf-8")) == doc
    assert describe_dataset("sms-spam")["described_at"] == doc["described_at"]  # from the cache
    path.write_text("{not json", encoding="utf-8")  # a broken cache file is rebuilt
    assert describe_dataset("sms-spam")["leakage"] == doc["leakage"]
    assert any("WARNING" in line for line in summary_lines(doc))


def test_describe_tiny_korean_data_uses_the_default_profile_tokenizer(tiny_home):
    doc = describe_dataset("nsmc")
    assert doc["language"] == "ko" and doc["tokenizer"]["name"] == "mecab"
    assert (doc["sizes"]["train"], doc["sizes"]["test"]) == (60, 20)
    assert doc["leakage"]["train_empty"] == 1 and doc["leakage"]["test_empty"] == 1
    assert doc["vocabulary"]["train_vocab"] > 0 and doc["tokens"]["train"]["max"] > 0


def bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_cli_describe_json_text_and_errors(tiny_home):
    proc = bench("data", "--describe", "r8", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (
        doc["dataset"] == "r8"
        and sum(c["train"] for c in doc["sizes"]["classes"]) == (doc["sizes"]["train"])
    )
    text = bench("data", "--describe", "r8")
    assert text.returncode == 0 and text.stdout.startswith("r8 (en") and "leakage:" in text.stdout
    for args, words in (
        (("data", "--describe", "imbd"), ("unknown dataset 'imbd'", "'imdb'")),
        (("data", "--json"), ("--describe",)),
        (("data", "imdb", "--describe", "r8"), ("one dataset",)),
    ):
        proc = bench(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert all(w in proc.stderr for w in words), proc.stderr


def test_data_command_without_describe_is_unchanged(tiny_home):
    proc = bench("data", "r8")
    assert proc.stdout.startswith("data home:") and "r8-train-all-terms.txt" in proc.stdout


def test_report_shows_the_data_section_and_the_leak_warning(tiny_home):
    from reports.html import render_report
    from tests.synthetic_results import make_result, write_results

    sms = make_result("sms-spam", "nb", classes=("ham", "spam"))
    sms.data_sha256 = get_dataset("sms-spam").checksum()  # runs on the data in the data home
    other = make_result("r8", "nb", classes=("earn", "acq"))  # runs on other data than here's
    results = tiny_home.parent / "results"
    write_results(results, [sms, other])
    html = render_report(results).read_text(encoding="utf-8")
    assert "Know your data" in html and 'class="warn"' in html
    assert "sms-spam: train/test leakage." in html and "test accuracy partly measures" in html
    assert "r8: no description (the files in this machine&#39;s data home differ" in html
    assert "tokens per document, train and test" in html  # the length plot
    doc = describe_dataset("sms-spam")  # the report cached what it showed
    assert f"{doc['leakage']['test_in_train']:,} (" in html
    assert np.isclose(
        doc["leakage"]["test_in_train_share"],
        _oracle(get_dataset("sms-spam").load())[0] / doc["sizes"]["test"],
    )


def test_default_tokenizer_is_the_default_profiles():
    from bench.describe import default_tokenizer
    from bench.profiles import get_profile
    from bench.tokenizers import DEFAULT_FOR_LANGUAGE

    for language in ("en", "ko"):
        expected = get_profile("default").tokenizers.get(language, DEFAULT_FOR_LANGUAGE[language])
        assert default_tokenizer(language) == expected


def test_bench_all_describes_its_datasets_before_the_report(tiny_home, monkeypatch, capsys):
    from bench import orchestrate
    from bench.grid import GridOutcome

    monkeypatch.setattr(orchestrate, "run_grid", lambda *a, **k: GridOutcome())  # nothing fitted
    grid = dict(results_dir=tiny_home.parent / "results", profile="quick", lm=False)
    descriptions = tiny_home.parent / "cache" / "descriptions"
    orchestrate.run_all(**grid, datasets=["r8"], report=False)
    assert not descriptions.exists()  # no report, no descriptions needed
    orchestrate.run_all(**grid, datasets=["sms-spam", "r8"])
    assert sorted(p.name.split("__")[0] for p in descriptions.glob("*.json")) == ["r8", "sms-spam"]


def test_describe_quietly_names_what_it_could_not_describe(tiny_home, capsys):
    from bench.describe import describe_quietly

    (tiny_home / "r8" / "r8-test-all-terms.txt").unlink()
    describe_quietly(["r8", "imbd", "sms-spam"])
    err = capsys.readouterr().err
    assert "not describing r8: missing" in err and "not describing imbd: unknown dataset" in err
    assert "not describing sms-spam" not in err
    assert list((tiny_home.parent / "cache" / "descriptions").glob("sms-spam__*.json"))
