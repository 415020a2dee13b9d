"""Saving and loading the recurrent language models (:class:`neural.language_models.RecurrentLM`),
as a mixin of the model class."""

from __future__ import annotations

import json
from pathlib import Path

from neural.settings import setting_names
from neural.vocab import Vocabulary

#: what fit learns besides the weights and the vocabulary, saved with a fitted model
_FITTED = ("history_", "best_epoch_", "seconds_per_epoch_", "train_tokens_per_s_")


class LMSaving:
    """``save`` and ``load``, for :class:`neural.language_models.RecurrentLM`."""

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Weights (no optimizer state), vocabulary, settings and training history into
        ``directory``: what :meth:`load` needs to score and sample as this fitted model does."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model_.save_weights(directory / "model.weights.h5")
        state = {k: getattr(self, k) for k in _FITTED}
        doc = {
            "seed": self.seed,
            "settings": self.params() | {"verbose": self.verbose},
            "vocabulary": self.vocab_.itos,
            "state": state,
        }
        (directory / "language_model.json").write_text(
            json.dumps(doc, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: str | Path) -> "LMSaving":
        """A language model saved by :meth:`save`, ready to score and sample."""
        directory = Path(directory)
        doc = json.loads((directory / "language_model.json").read_text(encoding="utf-8"))
        # models saved before a setting existed have its default
        names = set(setting_names(cls)) - {"seed", "vocabulary"}
        settings = {k: v for k, v in doc["settings"].items() if k in names}
        obj = cls(seed=doc["seed"], **settings)
        if doc["settings"]["given_vocabulary"]:
            obj.vocabulary = doc[
                "vocabulary"
            ]  # as fitted: its params() say the vocabulary was given
        obj.vocab_ = Vocabulary.from_tokens(doc["vocabulary"])
        for key, value in doc["state"].items():
            setattr(obj, key, value)
        obj._new_model()
        obj.model_.load_weights(directory / "model.weights.h5")
        return obj
