"""Run profiles: how much data and how much training a grid run spends.

``quick`` is for smoke tests (small slices, a couple of epochs). ``default`` runs every dataset on
its full data and finishes on a 2-core CPU in under 30 minutes: the neural models there are capped
(few epochs, shorter sequences) and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.errors import unknown_name


@dataclass(frozen=True)
class Profile:
    """Data limits and per-model hyperparameter overrides of a profile."""

    name: str
    description: str
    max_train: int | None = None
    max_test: int | None = None
    model_params: dict[str, dict] = field(default_factory=dict)
    caps_note: str = ""

    def params_for(self, model: str) -> dict:
        return dict(self.model_params.get(model, {}))


PROFILES = {
    "quick": Profile(
        name="quick",
        description="small stratified slices (2,000 train / 1,000 test) for smoke tests",
        max_train=2_000,
        max_test=1_000,
        model_params={"lstm": {"epochs": 2, "max_len_cap": 100, "vocab_size": 10_000,
                               "embed_dim": 32, "units": 32}},
        caps_note="quick profile: data slices and 2 neural epochs; numbers are not comparable to full runs",
    ),
    "default": Profile(
        name="default",
        description="full data; neural models capped to fit a 30-minute budget on a 2-core CPU",
        model_params={"lstm": {"epochs": 3, "max_len_cap": 200, "vocab_size": 20_000,
                               "embed_dim": 64, "units": 64}},
        caps_note="default profile: LSTM capped at 3 epochs (early stopping on a validation split "
        "of train), sequences truncated to at most 200 tokens, vocabulary 20,000",
    ),
}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise unknown_name("profile", name, list(PROFILES))
    return PROFILES[name]
