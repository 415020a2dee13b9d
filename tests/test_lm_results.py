"""Language-model results are typed and versioned: they round-trip, old files still load, a bad
record is rejected with the reason, and the report names a file it leaves out."""

from __future__ import annotations

import json
import warnings

import pytest

from bench.lm_results import LM_SCHEMA_VERSION, InvalidResultError, LMResult, LMScaleResult
from bench.results import run_id, write_json_atomic

IDENTITY = {
    "dataset": "r8",
    "model": "ngram-mkn",
    "order": 3,
    "profile": "quick",
    "seed": 0,
    "tokenizer": {"name": "english", "version": "2", "options": {}},
    "data_sha256": "0" * 64,
    "min_count": 2,
    "max_train_docs": 2000,
    "max_test_docs": 1000,
}


def _record(**changes) -> dict:
    """A record as the LM task wrote it before ``schema_version`` existed."""
    doc = {
        "task": "lm",
        "run_id": run_id(IDENTITY),
        "dataset": "r8",
        "language": "en",
        "profile": "quick",
        "seed": 0,
        "model": "ngram-mkn",
        "family": "classic",
        "order": 3,
        "smoothing": "mkn",
        "perplexity": 12.5,
        "perplexity_excl_oov": 11.0,
        "oov": 4,
        "tokens": 100,
        "fit_seconds": 0.5,
        "score_seconds": 0.1,
        "tokens_per_s_scoring": 1000.0,
        "tokenizer": IDENTITY["tokenizer"],
        "identity": IDENTITY,
        "peak_rss_mb": 300.0,
        "versions": {"numpy": "2"},
        "machine": {"cpu": "x"},
        "finished_at": "2024-01-01T00:00:00+00:00",
        "count_seconds": 0.2,
        "model_params": {"order": 3},
        "match_length_shares": [0.2, 0.3, 0.5],
        "n_parameters": 500,
        "model_bytes": 4000,
        "samples": [{"temperature": 1.0, "seed": 0, "sentences": ["a b"]}],
    }
    return {**doc, **changes}


def test_a_result_round_trips_and_an_old_file_is_version_one():
    old = _record()
    result = LMResult.from_dict(old)
    assert result.schema_version == LM_SCHEMA_VERSION == 1 and result.history is None
    again = result.to_dict()
    assert {k: again[k] for k in old} == old and again["schema_version"] == 1
    assert LMResult.from_dict(again) == result


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"perplexity": "low"}, "perplexity must be float or null"),
        ({"tokens": 1.5}, "tokens must be int"),
        ({"seed": True}, "seed must be int or null"),
        ({"samples": {"a": 1}}, "samples must be list or null"),
        ({"run_id": "0123456789abcdef"}, "is not the hash of its identity"),
        ({"identity": {**IDENTITY, "seed": 1}}, "is not the hash of its identity"),
        ({"schema_version": 2}, "schema version 2"),
        ({"identity": None}, "run_id and identity come together"),
        ({"task": "lm-scale"}, "task must be 'lm'"),
    ],
)
def test_a_bad_record_is_rejected_with_the_reason(changes, message):
    with pytest.raises(InvalidResultError, match=message):
        LMResult.from_dict(_record(**changes))


def test_a_record_missing_a_needed_field_is_rejected():
    doc = _record()
    del doc["tokens"]
    with pytest.raises(InvalidResultError, match="missing tokens"):
        LMResult.from_dict(doc)
    with pytest.raises(InvalidResultError, match="JSON object"):
        LMResult.from_dict([doc])


def test_a_scaling_point_round_trips_and_checks_its_run_id():
    identity = {"task": "lm-scale", "dataset": "nsmc-raw", "max_train_docs": 10}
    doc = {
        "task": "lm-scale",
        "run_id": run_id(identity),
        "identity": identity,
        "dataset": "nsmc-raw",
        "profile": "quick",
        "model": "ngram-mkn-3",
        "train_size": 10,
        "train_tokens": 90,
        "fit_seconds": 0.1,
        "perplexity": 50.0,
        "fit_memory_mb": None,
        "tokenizer": {"name": "mecab"},
    }
    point = LMScaleResult.from_dict(doc)
    assert LMScaleResult.from_dict(point.to_dict()) == point
    with pytest.raises(InvalidResultError, match="hash of its identity"):
        LMScaleResult.from_dict({**doc, "run_id": "f" * 16})


def test_the_report_names_a_file_it_leaves_out(tmp_path):
    from reports.language_models import InvalidResultWarning, load_lm_results
    from reports.superseded import load_current

    write_json_atomic(tmp_path / "lm" / "good.json", _record())
    write_json_atomic(tmp_path / "lm" / "bad.json", _record(perplexity="low"))
    write_json_atomic(tmp_path / "lm" / "other.json", {"task": "other"})  # not an LM result
    with pytest.warns(InvalidResultWarning, match="lm/bad.json") as caught:
        frame = load_lm_results(tmp_path)
    assert len(caught) == 1 and list(frame["perplexity"]) == [12.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, lm, note = load_current(tmp_path)
    assert len(lm) == 1
    assert "1 language-model result file that fails validation: lm/bad.json" in note
    assert "perplexity must be" in note


def test_the_report_reads_what_the_lm_task_writes(tmp_path):
    from reports.language_models import load_lm_results

    path = tmp_path / "lm" / "r8.json"
    write_json_atomic(path, LMResult.from_dict(_record()).to_dict())
    row = load_lm_results(tmp_path).iloc[0]
    assert row["tokenizer"] == "english" and row["seen_ngram_share"] == 0.5
    assert row["own_seconds"] == pytest.approx(0.5 - 0.2 + 0.1)
    assert json.loads(path.read_text())["schema_version"] == 1
