"""The language-modelling task: every model of a dataset scored on the same tokens and
vocabulary.
"""

from __future__ import annotations

import contextlib
import io
import json
import math

import pytest

from bench.lm_task import run_lm_dataset
from bench.profiles import get_profile
from bench.results import results_home
from tests.fixtures import write_all


def _records(results_dir):
    return [json.loads(p.read_text()) for p in sorted((results_dir / "lm").glob("*.json"))]


@pytest.fixture(scope="module")
def quick_sms(tmp_path_factory):
    """``(records, written, shown lines)`` of one quick LM task on the tiny SMS corpus, run once for
    the tests of this module that only read its records."""
    root = tmp_path_factory.mktemp("lm-task")
    with pytest.MonkeyPatch.context() as mp:
        for var, sub in (
            ("BENCH_DATA_HOME", "data"),
            ("BENCH_CACHE_DIR", "cache"),
            ("BENCH_RESULTS_DIR", "results"),
        ):
            (root / sub).mkdir()
            mp.setenv(var, str(root / sub))
        mp.setenv("BENCH_OFFLINE", "1")
        mp.setenv("BENCH_ALLOW_MODIFIED_DATA", "1")  # the tiny files are not the published ones
        write_all(root / "data")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            written = run_lm_dataset("sms-spam", profile="quick", results_dir=results_home())
        records = _records(results_home())
    shown = [line for line in err.getvalue().splitlines() if "sampled at temperature" in line]
    return records, written, shown


def _by_family(records):
    neural = {r["model"]: r for r in records if r["family"] == "neural"}
    return neural, [r for r in records if r["family"] == "classic"]


def test_every_planned_model_is_scored_on_the_same_tokens(quick_sms):
    records, written, _ = quick_sms
    plan = get_profile("quick").lm
    assert len(written) == len(records) == len(plan.ngram) + len(plan.neural) + len(plan.knn)
    assert {r["task"] for r in records} == {"lm"}
    assert len({(r["tokens"], r["oov"]) for r in records}) == 1  # same test tokens, same vocabulary
    assert all(math.isfinite(r["perplexity"]) and r["perplexity"] > 1 for r in records)
    assert all(r["tokens_per_s_scoring"] > 0 for r in records)


def test_the_knn_memory_reads_the_lstm_lm_fitted_in_the_same_run(quick_sms):
    neural, _ = _by_family(quick_sms[0])
    lstm, knn = neural["lstm-lm"], neural["lstm-knn-lm"]
    assert lstm["order"] is None and lstm["history"]
    assert knn["history"] == lstm["history"] and knn["base_fit_seconds"] <= knn["fit_seconds"]
    assert knn["knn"]["datastore_size"] > 0 and 0 <= knn["knn"]["test_hit_share"] <= 1
    assert (knn["perplexity"] < lstm["perplexity"]) == (knn["knn"]["chosen_lambda"] > 0)
    # scored in the same run, the memory mixes in the LM's own test scores instead of recomputing
    # them
    assert (
        knn["knn"]["lm_scores_reused"] and knn["score_seconds"] >= knn["knn"]["own_score_seconds"]
    )
    assert math.isclose(knn["knn"]["test_perplexity_lm"], lstm["perplexity"], rel_tol=1e-9)


def test_model_sizes_count_weights_and_ngrams(quick_sms):
    neural, classic = _by_family(quick_sms[0])
    lstm, knn = neural["lstm-lm"], neural["lstm-knn-lm"]
    assert knn["model_bytes"] == lstm["model_bytes"] + knn["knn"]["datastore_bytes"]
    assert lstm["model_bytes"] == 4 * lstm["n_parameters"]
    assert all(r["n_parameters"] == sum(r["model_params"]["ngrams"]) > 0 for r in classic)
    size = {(r["smoothing"], r["order"]): r["model_bytes"] for r in classic}
    assert (
        size[("mkn", 1)] < size[("mkn", 2)] < size[("mkn", 3)]
        and size[("kn", 3)] == size[("mkn", 3)]
    )
    by = {(r["smoothing"], r["order"]): r["perplexity"] for r in classic}
    assert by[("mkn", 3)] < by[("add-k", 3)]  # smoothing that discounts sensibly beats add-k here


def test_samples_come_from_each_lm_but_the_memory(quick_sms):
    records, _, shown = quick_sms
    neural, classic = _by_family(records)
    assert neural["lstm-knn-lm"]["samples"] is None  # the memory samples nothing new
    lstm_samples = neural["lstm-lm"]["samples"]
    assert [s["temperature"] for s in lstm_samples] == [1.0, 0.7]
    assert all(s["seed"] == 0 and len(s["sentences"]) == 3 for s in lstm_samples)
    plan = get_profile("quick").lm
    top = {m: max(n for m2, n in plan.ngram if m2 == m) for m, _ in plan.ngram}
    assert all(
        len(r["samples"]) == 1 and len(r["samples"][0]["sentences"]) == 3
        for r in classic
        if r["order"] == top[r["smoothing"]]
    )
    assert all(r["samples"] is None for r in classic if r["order"] < top[r["smoothing"]])
    assert shown == [
        f"    sampled at temperature 0.7: {lstm_samples[1]['sentences'][0]}"
    ]  # the neural LM's
    words = {
        w for r in records for s in r["samples"] or [] for t in s["sentences"] for w in t.split()
    }
    assert words and "<s>" not in words and "</s>" not in words
    assert all(
        len(t.split()) <= 31 for r in records for s in r["samples"] or [] for t in s["sentences"]
    )


def test_match_length_shares_belong_to_the_order(quick_sms):
    _, classic = _by_family(quick_sms[0])
    shares = {(r["smoothing"], r["order"]): r["match_length_shares"] for r in classic}
    assert all(len(s) == order and math.isclose(sum(s), 1.0) for (_, order), s in shares.items())
    assert shares[("mkn", 3)] == shares[("kn", 3)]  # a property of the order, not of the smoothing
    assert shares[("mkn", 3)][2] <= sum(
        shares[("mkn", 2)][1:]
    )  # a seen trigram ends in a seen bigram


def test_lm_task_skips_done_models_and_redoes_with_force(tiny_home):
    run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=())
    assert run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=()) == []
    again = run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=(), force=True)
    assert len(again) == len(get_profile("quick").lm.ngram)


def test_lm_task_builds_the_memory_on_the_saved_lstm_lm(tiny_home, monkeypatch):
    from neural.language_models import RecurrentLM

    first = run_lm_dataset(
        "sms-spam", profile="quick", results_dir=results_home(), neural=("lstm-lm",)
    )
    (lstm,) = [p for p in first if "__lstm-lm__" in p.name]
    monkeypatch.setattr(
        RecurrentLM, "fit", lambda *a: pytest.fail("the saved lstm-lm was trained again")
    )
    written = run_lm_dataset(
        "sms-spam", profile="quick", results_dir=results_home(), neural=("lstm-knn-lm",)
    )
    assert [p.name.split("__")[1] for p in written] == ["lstm-knn-lm"]
    knn, base = json.loads(written[0].read_text()), json.loads(lstm.read_text())
    assert not knn["knn"]["lm_scores_reused"]  # the LM scored the test text itself
    assert knn["restored_model"]["saved_at"] and base["restored_model"] is None
    assert knn["knn"]["test_perplexity_lm"] == pytest.approx(base["perplexity"], rel=1e-6)
    assert knn["base_fit_seconds"] == base["fit_seconds"]  # the training it cost, when it ran
    assert (
        run_lm_dataset(
            "sms-spam", profile="quick", results_dir=results_home(), neural=("lstm-knn-lm",)
        )
        == []
    )


def test_plan_params_per_dataset_then_model():
    from bench.profiles import LMPlan

    plan = LMPlan(
        neural=("rnn-lm", "lstm-lm"),
        neural_params={"units": 8, "learning_rate": 5e-3},
        dataset_params={"sms-spam": {"units": 16}},
        model_params={"rnn-lm": {"learning_rate": 1e-3}},
    )
    assert plan.params_for("lstm-lm", "sms-spam") == {"units": 16, "learning_rate": 5e-3}
    assert plan.params_for("rnn-lm", "sms-spam") == {"units": 16, "learning_rate": 1e-3}
    assert plan.params_for("lstm-lm", "r8") == {"units": 8, "learning_rate": 5e-3}
    full = get_profile("full").lm
    assert full.params_for("rnn-lm", "r8")["learning_rate"] == 1e-3
    assert full.params_for("lstm-lm", "r8") == full.neural_params  # its runs keep their ids


def test_a_neural_lm_stopped_while_scoring_is_restored_not_retrained(tiny_home, monkeypatch):
    from neural.language_models import RecurrentLM

    def interrupted(self, sentences):
        raise KeyboardInterrupt

    scores = RecurrentLM.token_scores
    monkeypatch.setattr(RecurrentLM, "token_scores", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_lm_dataset("sms-spam", profile="quick", results_dir=results_home(), neural=("lstm-lm",))
    saved = list((results_home() / "lm" / "models").iterdir())
    assert [p.name for p in saved if p.name.startswith(".")] == []  # no half-written model
    assert saved[0].stat().st_mode & 0o777 == 0o755  # readable by all, as the result files are
    monkeypatch.setattr(RecurrentLM, "token_scores", scores)
    monkeypatch.setattr(
        RecurrentLM, "fit", lambda *a: pytest.fail("the saved lstm-lm was trained again")
    )
    written = run_lm_dataset(
        "sms-spam", profile="quick", results_dir=results_home(), neural=("lstm-lm",)
    )
    record = json.loads(written[-1].read_text())
    assert record["model"] == "lstm-lm" and record["restored_model"]["folder"] == str(saved[0])
    assert record["perplexity"] > 1 and len(record["history"]) >= 1


def test_every_file_is_a_valid_result_named_by_its_run_id(tiny_home):
    from bench.lm_results import LMResult
    from bench.results import run_id

    written = run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=())
    for path in written:
        result = LMResult.from_dict(json.loads(path.read_text()))
        assert result.run_id == run_id(result.identity) and result.schema_version == 1
        assert path.name == f"r8__{result.model}__o{result.order or 0}__quick__{result.run_id}.json"


def test_a_seed_reaches_the_identity_the_models_and_the_samples(tiny_home, monkeypatch):
    import neural.knn_lm
    from bench import lm_fit

    seeds, neural_lm, knn_lm = [], lm_fit._neural_lm, neural.knn_lm.KNNLM

    def spy_lm(name, seed, vocab, params):
        seeds.append((name, seed))
        return neural_lm(name, seed, vocab, params)

    def spy_knn(lm, *, seed, **settings):
        seeds.append(("knn", seed))
        return knn_lm(lm, seed=seed, **settings)

    monkeypatch.setattr(lm_fit, "_neural_lm", spy_lm)
    monkeypatch.setattr(neural.knn_lm, "KNNLM", spy_knn)
    zero = run_lm_dataset("sms-spam", profile="quick", results_dir=results_home(), neural=())
    one = run_lm_dataset("sms-spam", profile="quick", results_dir=results_home(), seed=1)
    assert not {p.name for p in zero} & {p.name for p in one}
    records = [json.loads(p.read_text()) for p in one]
    assert all(r["seed"] == 1 and r["identity"]["seed"] == 1 for r in records)
    assert all(s["seed"] == 1 for r in records for s in r["samples"] or [])
    assert seeds == [("lstm-lm", 1), ("knn", 1)]
    # n-gram models have no seed: their perplexity is the same under either
    ppl = {
        (r["model"], r["order"]): r["perplexity"]
        for r in map(lambda p: json.loads(p.read_text()), zero)
    }
    assert all(
        ppl[(r["model"], r["order"])] == r["perplexity"]
        for r in records
        if r["family"] == "classic"
    )
