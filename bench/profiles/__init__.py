"""Run profiles: how much data and how much training a run spends, one TOML file per profile.

``quick.toml`` is for smoke tests (small slices, a couple of epochs). ``default.toml`` runs every
dataset on its full data within a time budget on a 2-core CPU: its neural models are capped (few
epochs, shorter sequences) and the report says so. ``full.toml`` trains every neural model to
convergence (early stopping on a validation split of train) on full data with three seeds.

Each file holds the classifier grid and the language-model plan (``[lm]``) of its profile; a
setting chosen by experiment carries a one-line reason and a link to the experiment's record in
``docs/profiles.md``. ``get_profile(name).params_for(model, dataset)`` gives a classifier's
hyperparameters, ``get_profile(name).lm.params_for(model, dataset)`` a neural LM's. A new profile
is one more TOML file in this folder.
"""

from __future__ import annotations

from pathlib import Path

from bench.errors import unknown_name
from bench.profiles.from_toml import load_profile, profile_from_dict
from bench.profiles.profile import LMPlan, Profile, ProfileError

PROFILE_DIR = Path(__file__).resolve().parent


def _load_all() -> dict[str, Profile]:
    """Every profile in ``PROFILE_DIR``, cheapest first (the order of ``bench list``)."""
    loaded = {path.stem: load_profile(path) for path in sorted(PROFILE_DIR.glob("*.toml"))}
    first = [name for name in ("quick", "default", "full") if name in loaded]
    return {name: loaded[name] for name in first + sorted(set(loaded) - set(first))}


#: profile name -> profile, read from the TOML files when this module is first imported
PROFILES: dict[str, Profile] = _load_all()


def get_profile(name: str) -> Profile:
    """The profile called ``name``; an unknown name suggests the close ones."""
    if name not in PROFILES:
        raise unknown_name("profile", name, list(PROFILES))
    return PROFILES[name]


def profile_names() -> list[str]:
    """The names of every profile, cheapest first."""
    return list(PROFILES)


__all__ = [
    "LMPlan",
    "PROFILES",
    "PROFILE_DIR",
    "Profile",
    "ProfileError",
    "get_profile",
    "load_profile",
    "profile_from_dict",
    "profile_names",
]
