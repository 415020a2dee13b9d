"""bench.params: --param values checked against the model constructor's annotations and the
ranges the model declares."""

from __future__ import annotations

import pytest

from bench.params import check_ranges, check_types


class _Model:
    def __init__(
        self,
        *,
        seed: int = 0,
        ngram: int = 1,
        alpha: float | None = None,
        binary: bool = True,
        alphas: tuple[float, ...] = (0.5, 1.0),
        name: str = "x",
        anything=None,
    ):
        pass


class _Sub(_Model):
    def __init__(self, *, pooling: str = "last", **kwargs):
        super().__init__(**kwargs)


def test_arguments_passed_on_to_a_base_class_are_checked_too():
    check_types(_Sub, {"pooling": "mean", "ngram": 3})
    with pytest.raises(TypeError, match="ngram takes int"):
        check_types(_Sub, {"ngram": "three"})


@pytest.mark.parametrize(
    "params",
    [
        {"ngram": 2},
        {"alpha": 1},
        {"alpha": 0.5},
        {"alpha": None},
        {"binary": False},
        {"alphas": [0.1, 1]},
        {"name": "y"},
        {"anything": {"a": 1}},
        {"unknown": "left to the constructor"},
    ],
)
def test_values_the_constructor_takes_pass(params):
    check_types(_Model, params)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"ngram": "two"}, "ngram takes int, got 'two'"),
        ({"ngram": 2.5}, "ngram takes int, got 2.5"),
        ({"ngram": True}, "ngram takes int, got True"),
        ({"alpha": "oops"}, "alpha takes float or null, got 'oops'"),
        ({"binary": 1}, "binary takes bool, got 1"),
        ({"alphas": [0.1, "a"]}, "alphas takes a list of float, got [0.1, 'a']"),
        ({"alphas": 0.1}, "alphas takes a list of float, got 0.1"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(params, message):
    with pytest.raises(TypeError) as info:
        check_types(_Model, params)
    assert str(info.value) == message


def test_every_profile_setting_has_the_type_its_model_takes():
    from bench.datasets import DATASETS
    from bench.models import MODELS, get_model
    from bench.profiles import PROFILES, get_profile

    for profile in map(get_profile, PROFILES):
        for model in MODELS:
            cls = get_model(model).cls()
            for dataset in DATASETS:
                check_types(cls, profile.params_for(model, dataset))


class _Ranged(_Model):
    _param_ranges = {
        "ngram": (1, None, "left"),
        "alpha": (0, None, "neither"),
        "alphas": (0, None, "neither"),
        "name": {"x", "y"},
    }


class _RangedSub(_Ranged):
    _param_ranges = {"fraction": (0, 1, "neither")}

    def __init__(self, *, fraction: float = 0.1, **kwargs):
        super().__init__(**kwargs)


@pytest.mark.parametrize(
    "params",
    [
        {"ngram": 1},
        {"alpha": 1e-9},
        {"alpha": None},  # left to be chosen
        {"alphas": [0.1, 2]},
        {"name": "y"},
        {"ngram": "two"},  # a wrong type is check_types's to report
        {"fraction": 0.5},
        {"unknown": -1},
    ],
)
def test_values_in_range_pass(params):
    check_ranges(_RangedSub, params)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"ngram": 0}, "ngram must be >= 1, got 0"),
        ({"alpha": 0}, "alpha must be > 0, got 0"),
        ({"alpha": float("nan")}, "alpha must be > 0, got nan"),
        ({"alpha": float("inf")}, "alpha must be > 0, got inf"),
        ({"alphas": []}, "alphas must be a non-empty list, each > 0"),
        ({"alphas": [1, -2]}, "alphas must each be > 0, got -2"),
        ({"name": "z"}, "name must be one of 'x', 'y', got 'z'"),
        ({"fraction": 1}, "fraction must be > 0 and < 1, got 1"),  # a subclass's own range
    ],
)
def test_a_value_out_of_range_names_the_range(params, message):
    with pytest.raises(ValueError) as info:
        check_ranges(_RangedSub, params)
    assert str(info.value) == message


def test_every_profile_setting_is_in_its_models_range():
    from bench.datasets import DATASETS
    from bench.models import MODELS, get_model
    from bench.profiles import PROFILES, get_profile

    for profile in map(get_profile, PROFILES):
        for model in MODELS:
            cls = get_model(model).cls()
            for dataset in DATASETS:
                check_ranges(cls, profile.params_for(model, dataset))


def test_every_model_declares_ranges_only_for_its_arguments():
    from bench.models import MODELS, get_model
    from bench.params import _declared_ranges, _init_hints

    for model in MODELS:
        cls = get_model(model).cls()
        assert set(_declared_ranges(cls)) <= set(_init_hints(cls)), model
