"""Planning the language-modelling task: one ``LMJob`` per result file a profile's LM plan asks for.

A job's identity (dataset, tokenizer, profile, data checksum, vocabulary cut-off, seed, document
caps, model and its settings) names its result file (``bench.results.run_id``), so a re-run finds
the results and saved neural LMs of the same settings and leaves runs of other settings alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.models import LANGUAGE_MODELS
from bench.profiles import LMPlan
from bench.results import run_id

KNN_LM = "lstm-knn-lm"  # the memory-augmented LM
KNN_BASE = LANGUAGE_MODELS.get(KNN_LM).base  # the neural LM it reads


@dataclass(frozen=True)
class LMJob:
    """One language model to fit and score on a dataset, and the file its result goes to: an
    n-gram model (``smoothing``, ``order``), a neural LM, or a kNN memory over its ``base`` job's
    LM (which is fitted, or restored from its saved model, first)."""

    model: str
    identity: dict
    path: Path
    smoothing: str | None = None
    order: int | None = None
    base: LMJob | None = None

    @property
    def run_id(self) -> str:
        return run_id(self.identity)


def lm_jobs(
    dataset: str,
    plan: LMPlan,
    *,
    profile: str,
    tokenizer: dict,
    data_sha256: str,
    seed: int,
    out_dir: Path,
    neural=None,
) -> list[LMJob]:
    """The jobs of ``plan`` on ``dataset``, in the order they run: n-gram models, the neural LMs,
    then the kNN memory after its base LM. ``neural``: which neural LMs to plan (None: all;
    an unknown name raises, suggesting the close ones)."""
    for name in neural or ():
        LANGUAGE_MODELS.get(name)
    common = {
        "dataset": dataset,
        "tokenizer": tokenizer,
        "profile": profile,
        "data_sha256": data_sha256,
        "min_count": plan.min_count,
        "seed": seed,
        "max_train_docs": plan.max_train_docs,
        "max_test_docs": plan.max_test_docs,
    }

    def job(
        model: str,
        smoothing: str | None = None,
        order: int | None = None,
        base: LMJob | None = None,
        **settings,
    ) -> LMJob:
        identity = {**common, "model": model, **({"order": order} if order else {}), **settings}
        name = f"{dataset}__{model}__o{order or 0}__{profile}__{run_id(identity)}.json"
        return LMJob(model, identity, out_dir / name, smoothing, order, base)

    jobs = [job(f"ngram-{smoothing}", smoothing, order) for smoothing, order in plan.ngram]
    if not plan.fits_neural_on(dataset):
        return jobs
    wanted = [name for name in plan.neural if neural is None or name in neural]
    jobs += [job(name, params=plan.params_for(name, dataset)) for name in wanted]
    if dataset in plan.knn and KNN_BASE in plan.neural and (neural is None or KNN_LM in neural):
        params = plan.params_for(KNN_BASE, dataset)
        base = next((j for j in jobs if j.model == KNN_BASE), None) or job(KNN_BASE, params=params)
        jobs.append(job(KNN_LM, base=base, params=params, knn=plan.knn[dataset]))
    return jobs
