"""Reading a profile from its TOML file (stdlib ``tomllib``) into a ``Profile``.

The file's layout (``docs/profiles.md`` describes each setting's reason)::

    description = "..."              # what `bench list` shows
    seeds = [0]                      # what `bench all` runs unless --seeds says otherwise
    budget_minutes = 30              # the wall time `bench all` should take (optional)
    [tokenizers]                     # language -> tokenizer
    [classifiers]                    # max_train, max_test, models, korean_analyzers, caps_note
    [classifiers.neural_params]      # every neural classifier of the model registry
    [classifiers.model_params.<model>]             # one model, over neural_params
    [classifiers.dataset_params.<dataset>.<model>] # one model on one dataset, over the above
    [lm]                             # neural, neural_datasets, min_count, max_*_docs
    [lm.ngram]                       # smoothing = [orders]
    [lm.neural_params]               # every neural LM
    [lm.dataset_params.<dataset>]    # every neural LM on one dataset, over neural_params
    [lm.model_params.<model>]        # one neural LM, over the above
    [lm.knn.<dataset>]               # the kNN memory over the dataset's lstm-lm

A key the layout does not have, a value of the wrong type or a name no registry holds raises
``ProfileError`` naming the file and the key.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from bench.models import MODELS
from bench.profiles.profile import LMPlan, Profile, ProfileError


def _is_str_list(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_table(v) -> bool:
    return isinstance(v, dict)


_TYPES = {
    str: ("a string", lambda v: isinstance(v, str)),
    int: ("an integer", _is_int),
    list: ("a list of strings", _is_str_list),
    dict: ("a table", _is_table),
    "ints": ("a list of integers", lambda v: isinstance(v, list) and all(map(_is_int, v))),
}
_TOP = {
    "description": str,
    "seeds": "ints",
    "budget_minutes": int,
    "tokenizers": dict,
    "classifiers": dict,
    "lm": dict,
}
_CLASSIFIERS = {
    "max_train": int,
    "max_test": int,
    "models": list,
    "korean_analyzers": list,
    "caps_note": str,
    "neural_params": dict,
    "model_params": dict,
    "dataset_params": dict,
}
_LM = {
    "ngram": dict,
    "neural": list,
    "neural_datasets": list,
    "neural_params": dict,
    "dataset_params": dict,
    "model_params": dict,
    "knn": dict,
    "min_count": int,
    "max_train_docs": int,
    "max_test_docs": int,
}


def _checked(table: dict, layout: dict, where: str) -> dict:
    """``table`` after checking that each key is one of ``layout``'s and holds the type it names."""
    for key, value in table.items():
        if key not in layout:
            close = difflib.get_close_matches(key, list(layout), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ProfileError(f"{where}: unknown key {key!r}.{hint} Known: {', '.join(layout)}.")
        what, ok = _TYPES[layout[key]]
        if not ok(value):
            raise ProfileError(f"{where} {key} must be {what}, got {value!r}")
    return table


def _params(table, where: str) -> dict:
    """A table of hyperparameters: values are numbers, strings, booleans or lists, never tables."""
    if not _is_table(table):
        raise ProfileError(f"{where} must be a table of hyperparameters, got {table!r}")
    for key, value in table.items():
        if _is_table(value):
            raise ProfileError(
                f"[{where}] {key}: a hyperparameter takes a number, string, "
                "boolean or list, not a table"
            )
    return dict(table)


def _tables(table: dict, where: str) -> dict[str, dict]:
    return {name: _params(params, f"{where}.{name}") for name, params in table.items()}


def _classifier_params(table: dict) -> tuple[dict, dict]:
    """``(model_params, dataset_params)``, ``neural_params`` copied into every neural model's."""
    common = _params(table.get("neural_params", {}), "classifiers.neural_params")
    own = _tables(table.get("model_params", {}), "classifiers.model_params")
    neural = [name for name in MODELS if MODELS.get(name).family == "neural"]
    model_params = {**own, **{name: {**common, **own.get(name, {})} for name in neural}}
    per_dataset = {}
    for dataset, models in table.get("dataset_params", {}).items():
        if not _is_table(models):
            raise ProfileError(f"[classifiers.dataset_params] {dataset} must be a table of models")
        per_dataset[dataset] = _tables(models, f"classifiers.dataset_params.{dataset}")
    return model_params, per_dataset


def _lm_plan(table: dict) -> LMPlan:
    table = _checked(table, _LM, "[lm]")
    ngram = table.get("ngram", {})
    _checked(ngram, dict.fromkeys(ngram, "ints"), "[lm.ngram]")  # smoothing = [orders]
    optional = {k: table[k] for k in ("min_count", "max_train_docs", "max_test_docs") if k in table}
    if "neural_datasets" in table:
        optional["neural_datasets"] = tuple(table["neural_datasets"])
    return LMPlan(
        ngram=tuple((name, n) for name, orders in ngram.items() for n in orders),
        neural=tuple(table.get("neural", ())),
        neural_params=_params(table.get("neural_params", {}), "lm.neural_params"),
        dataset_params=_tables(table.get("dataset_params", {}), "lm.dataset_params"),
        model_params=_tables(table.get("model_params", {}), "lm.model_params"),
        knn=_tables(table.get("knn", {}), "lm.knn"),
        **optional,
    )


def profile_from_dict(name: str, doc: dict) -> Profile:
    """The profile ``name`` a parsed TOML document describes (see the module docstring)."""
    doc = _checked(doc, _TOP, "top level")
    if "description" not in doc:
        raise ProfileError("top level: a profile needs a description")
    clf = _checked(doc.get("classifiers", {}), _CLASSIFIERS, "[classifiers]")
    model_params, dataset_params = _classifier_params(clf)
    tokenizers = doc.get("tokenizers", {})
    _checked(tokenizers, dict.fromkeys(tokenizers, str), "[tokenizers]")
    optional = {k: clf[k] for k in ("max_train", "max_test", "caps_note") if k in clf}
    optional |= {k: tuple(clf[k]) for k in ("models", "korean_analyzers") if k in clf}
    if "seeds" in doc:
        optional["seeds"] = tuple(doc["seeds"])
    if "budget_minutes" in doc:
        optional["budget_minutes"] = doc["budget_minutes"]
    return Profile(
        name=name,
        description=doc["description"],
        model_params=model_params,
        dataset_params=dataset_params,
        tokenizers=dict(tokenizers),
        lm=_lm_plan(doc.get("lm", {})),
        **optional,
    )


def load_profile(path: Path) -> Profile:
    """The profile in TOML file ``path``, named after the file (``full.toml``: ``full``)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        return profile_from_dict(path.stem, doc)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(
            f"{path}: not valid TOML ({exc}); fix the file or restore it from git"
        ) from None
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc}") from None
