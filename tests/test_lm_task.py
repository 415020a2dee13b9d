"""The language-modelling task: every model of a dataset scored on the same tokens and vocabulary."""

from __future__ import annotations

import json
import math

from bench.lm_task import LM_PLANS, run_lm_dataset
from bench.results import results_home


def _records(results_dir):
    return [json.loads(p.read_text()) for p in sorted((results_dir / "lm").glob("*.json"))]


def test_lm_task_scores_every_model_on_the_same_tokens(tiny_home):
    written = run_lm_dataset("sms-spam", profile="quick", results_dir=results_home())
    records = _records(results_home())
    plan = LM_PLANS["quick"]
    assert len(written) == len(records) == len(plan.ngram) + len(plan.neural)
    assert {r["task"] for r in records} == {"lm"}
    assert len({(r["tokens"], r["oov"]) for r in records}) == 1  # same test tokens, same vocabulary
    assert all(math.isfinite(r["perplexity"]) and r["perplexity"] > 1 for r in records)
    neural = [r for r in records if r["family"] == "neural"]
    assert neural and neural[0]["order"] is None and neural[0]["history"]
    by = {(r["smoothing"], r["order"]): r["perplexity"] for r in records if r["family"] == "classic"}
    assert by[("mkn", 3)] < by[("add-k", 3)]  # smoothing that discounts sensibly beats add-k here
    shares = {(r["smoothing"], r["order"]): r["match_length_shares"] for r in records if r["family"] == "classic"}
    assert all(len(s) == order and math.isclose(sum(s), 1.0) for (_, order), s in shares.items())
    assert shares[("mkn", 3)] == shares[("kn", 3)]  # a property of the order, not of the smoothing
    assert shares[("mkn", 3)][2] <= sum(shares[("mkn", 2)][1:])  # a seen trigram ends in a seen bigram


def test_lm_task_skips_done_models_and_redoes_with_force(tiny_home):
    run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=())
    assert run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=()) == []
    again = run_lm_dataset("r8", profile="quick", results_dir=results_home(), neural=(), force=True)
    assert len(again) == len(LM_PLANS["quick"].ngram)
