"""Fitting the neural LMs of the language-modelling task (``bench.lm_task``): each is fitted once
and saved (``<results>/lm/models/<run id>``) before it is scored, and restored from there by a
later run instead of trained again."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NamedTuple

from bench.models import LANGUAGE_MODELS
from bench.results import run_id


class Fitted(NamedTuple):
    """A fitted neural LM, the seconds its training took, and the saved model it came from (None:
    trained by this run)."""

    lm: object
    fit_seconds: float
    restored: dict | None


def _fitted_neural_lm(
    name: str, identity: dict, vocab, train, models_dir: Path, force: bool
) -> Fitted:
    """The neural LM of ``identity`` restored from ``models_dir/<run id>`` if a run fitted it before
    (and ``force`` is off), else fitted on ``train`` and saved there atomically before it is scored,
    so an interrupted scoring pass does not cost the training again."""
    from bench.locks import remove_stale_model_folders
    from bench.runner import save_model

    rid = run_id(identity)
    folder = models_dir / rid
    if folder.is_dir() and not force:
        restored = _restored(name, identity, folder)
        if restored is not None:
            return restored
    t0 = time.perf_counter()
    lm = _neural_lm(name, identity["seed"], vocab, identity["params"]).fit(train)
    fit_s = time.perf_counter() - t0
    remove_stale_model_folders(models_dir, rid)  # a save killed half-way
    save_model(
        lm,
        folder,
        {
            "target": LANGUAGE_MODELS.get(name).target,
            "run_id": rid,
            "identity": identity,
            "fit_seconds": fit_s,
        },
    )
    return Fitted(lm, fit_s, None)


def _restored(name: str, identity: dict, folder: Path) -> Fitted | None:
    """The LM saved in ``folder``, or None when it cannot be read (it is then fitted again)."""
    from bench.runner import load_model

    t0 = time.perf_counter()
    try:
        lm, manifest = load_model(folder)
    except (OSError, KeyError, ValueError) as exc:
        print(
            f"  {name}: the saved model in {folder} cannot be read ({exc}); fitting it again",
            file=sys.stderr,
            flush=True,
        )
        return None
    restored = {
        "folder": str(folder),
        "saved_at": manifest["saved_at"],
        "load_seconds": round(time.perf_counter() - t0, 3),
    }
    print(
        f"  {identity['dataset']} {name}: restored the model fitted at {manifest['saved_at']} "
        f"({manifest['fit_seconds']:.0f}s of training)",
        file=sys.stderr,
        flush=True,
    )
    return Fitted(lm, manifest["fit_seconds"], restored)


def _neural_lm(name: str, seed: int, vocab, params: dict):
    return LANGUAGE_MODELS.get(name).cls()(seed=seed, vocabulary=vocab, **params)
