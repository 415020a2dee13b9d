"""Profiles are TOML data: they resolve to exactly the settings frozen in tests/data, are checked
when loaded, and every setting's reason links to a section of docs/profiles.md that exists."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from bench.datasets import DATASETS, get_dataset
from bench.lm_jobs import lm_jobs
from bench.models import LANGUAGE_MODELS, MODELS
from bench.profiles import (
    PROFILE_DIR,
    PROFILES,
    ProfileError,
    get_profile,
    load_profile,
    profile_from_dict,
)
from bench.tokenizers import DEFAULT_FOR_LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
FROZEN = Path(__file__).parent / "data" / "profiles_frozen.json"


def _same(a, b) -> bool:
    """Equal as JSON: 1 and 1.0 differ (they give different run ids), key order does not."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _classifiers(name: str) -> dict:
    p = get_profile(name)
    params = {m: {str(d): p.params_for(m, d) for d in [*DATASETS, None]} for m in MODELS}
    return {
        "name": p.name,
        "description": p.description,
        "max_train": p.max_train,
        "max_test": p.max_test,
        "caps_note": p.caps_note,
        "seeds": list(p.seeds),
        "budget_minutes": p.budget_minutes,
        "tokenizers": p.tokenizers,
        "models": None if p.models is None else list(p.models),
        "korean_analyzers": list(p.korean_analyzers),
        "grid_models": p.grid_models(),
        "params_for": params,
    }


def _lm_plan(name: str) -> dict:
    plan = get_profile(name).lm
    fields = {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan)}
    params = {m: {d: plan.params_for(m, d) for d in DATASETS} for m in LANGUAGE_MODELS}
    return {**fields, "params_for": params}


def _jobs(name: str, dataset: str, seed: int = 0) -> list[dict]:
    """The jobs of a profile's plan, with a stand-in checksum and tokenizer so no data is read."""
    profile = get_profile(name)
    language = get_dataset(dataset).language
    tokenizer = profile.tokenizers.get(language) or DEFAULT_FOR_LANGUAGE[language]
    jobs = lm_jobs(
        dataset,
        profile.lm,
        profile=name,
        tokenizer={"name": tokenizer, "version": "x"},
        data_sha256="0" * 64,
        seed=seed,
        out_dir=Path("lm"),
    )
    return [{"identity": j.identity, "run_id": j.run_id, "file": j.path.name} for j in jobs]


def _resolved() -> dict:
    return {
        "profiles": {p: _classifiers(p) for p in PROFILES},
        "lm_plans": {p: _lm_plan(p) for p in PROFILES},
        "lm_jobs": {p: {d: _jobs(p, d) for d in DATASETS} for p in PROFILES},
    }


@pytest.fixture(scope="module")
def frozen() -> dict:
    return json.loads(FROZEN.read_text(encoding="utf-8"))


def test_profiles_are_the_toml_files(frozen):
    assert list(PROFILES) == ["quick", "default", "full"]
    assert set(frozen["profiles"]) == set(PROFILES)
    assert {p.stem for p in PROFILE_DIR.glob("*.toml")} == set(PROFILES)


@pytest.mark.parametrize("name", ["quick", "default", "full"])
def test_classifier_settings_are_the_frozen_ones(frozen, name):
    got, want = _classifiers(name), frozen["profiles"][name]
    for key in want:
        assert _same(got[key], want[key]), key


@pytest.mark.parametrize("name", ["quick", "default", "full"])
def test_lm_plan_settings_are_the_frozen_ones(frozen, name):
    got, want = _lm_plan(name), frozen["lm_plans"][name]
    assert set(got) == set(want)
    for key in want:
        assert _same(got[key], want[key]), key


@pytest.mark.parametrize("name", ["quick", "default", "full"])
def test_lm_jobs_keep_their_run_ids_and_file_names(frozen, name):
    """Stored results and saved neural LMs are found by these run ids: they must not move."""
    for dataset, want in frozen["lm_jobs"][name].items():
        assert _same(_jobs(name, dataset), want), dataset


def test_a_seed_names_other_jobs():
    zero, one = _jobs("quick", "sms-spam"), _jobs("quick", "sms-spam", seed=1)
    assert all(j["identity"]["seed"] == 1 for j in one)
    assert not {j["run_id"] for j in zero} & {j["run_id"] for j in one}
    assert not {j["file"] for j in zero} & {j["file"] for j in one}


def test_the_knn_job_runs_after_the_base_it_names():
    from bench.lm_jobs import KNN_BASE, KNN_LM

    plan = get_profile("quick").lm
    kwargs = dict(
        profile="quick", tokenizer={"name": "english"}, data_sha256="0", seed=0, out_dir=Path("lm")
    )
    jobs = lm_jobs("sms-spam", plan, **kwargs)
    names = [j.model for j in jobs]
    assert names.index(KNN_BASE) < names.index(KNN_LM)
    knn = jobs[names.index(KNN_LM)]
    assert knn.base is jobs[names.index(KNN_BASE)]
    (alone,) = [
        j for j in lm_jobs("sms-spam", plan, neural=(KNN_LM,), **kwargs) if j.model == KNN_LM
    ]
    assert alone.base.identity == knn.base.identity and alone.base.run_id == knn.base.run_id
    assert all(j.base is None for j in jobs if j.model != KNN_LM)


def test_neural_params_reach_every_neural_classifier_and_no_other():
    profile = profile_from_dict(
        "t",
        {
            "description": "d",
            "classifiers": {
                "neural_params": {"epochs": 3},
                "model_params": {"lstm": {"epochs": 4}, "nb": {"alpha": 0.5}},
            },
        },
    )
    neural = [m for m in MODELS if MODELS.get(m).family == "neural"]
    assert all(profile.params_for(m)["epochs"] == (4 if m == "lstm" else 3) for m in neural)
    assert profile.params_for("nb") == {"alpha": 0.5} and profile.params_for("tfidf-lr") == {}


@pytest.mark.parametrize(
    "text, message",
    [
        ('description = "d"\ncolour = 1\n', "unknown key 'colour'"),
        ('description = "d"\n[lm]\nmin_cuont = 1\n', "Did you mean 'min_count'?"),
        ('description = "d"\n[classifiers]\nmax_train = "2000"\n', "max_train must be an integer"),
        ('description = "d"\n[classifiers.model_params.lstmm]\nunits = 8\n', "Did you mean 'lstm'"),
        (
            'description = "d"\n[classifiers.dataset_params.imbd.lstm]\nunits = 8\n',
            "unknown dataset 'imbd'",
        ),
        ('description = "d"\n[lm.ngram]\nkneser = [2]\n', "unknown smoothing 'kneser'"),
        ('description = "d"\n[lm]\nneural = ["lstm"]\n', "unknown neural language model 'lstm'"),
        ('description = "d"\n[lm.knn.sms]\n', "unknown dataset 'sms'"),
        ('description = "d"\n[lm.ngram]\nmkn = [0]\n', "order must be an integer of at least 1"),
        ('description = "d"\n[tokenizers]\nko = "mecabb"\n', "unknown tokenizer 'mecabb'"),
        ('description = "d"\n[classifiers.model_params.lstm.imdb]\nunits = 8\n', "not a table"),
        ("seeds = [0]\n", "needs a description"),
        ('description = "d\n', "not valid TOML"),
    ],
)
def test_a_bad_profile_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_profile_is_checked_when_changed_too():
    with pytest.raises(ProfileError, match="unknown model 'lstmm'"):
        dataclasses.replace(get_profile("quick"), models=("lstmm",))
    with pytest.raises(ProfileError, match="unknown dataset"):
        dataclasses.replace(get_profile("quick").lm, knn={"nope": {}})


def test_every_reason_links_to_a_section_of_the_profiles_doc():
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", doc, flags=re.M)
    }
    link = re.compile(r"docs/profiles\.md#([\w-]+)")
    links = {a for p in PROFILE_DIR.glob("*.toml") for a in link.findall(p.read_text())}
    assert links and links <= anchors, links - anchors


def test_no_measured_figure_in_the_profile_files():
    """Figures live in docs/profiles.md; the files keep settings and one-line reasons."""
    for path in PROFILE_DIR.glob("*.toml"):
        comments = [ln.split("#", 1)[1] for ln in path.read_text().splitlines() if "#" in ln]
        assert not [c for c in comments if re.search(r"\d+\.\d|\d+ ?(s|min|%)\b", c)], path.name


if __name__ == "__main__":  # after a deliberate change of a setting: python -m tests.test_profiles
    about = json.loads(FROZEN.read_text(encoding="utf-8"))["_about"]
    FROZEN.write_text(json.dumps({"_about": about, **_resolved()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {FROZEN}")
