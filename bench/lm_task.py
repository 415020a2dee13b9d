"""The language-modelling task: perplexity of every n-gram smoothing and order, and of the neural
LMs, on each dataset's test text, trained on its train text, with the classifiers' tokenizer.

All models of a dataset share one vocabulary (training words seen at least ``min_count`` times,
the rest ``<unk>``) and one scoring convention (``</s>`` scored, ``<s>`` not, OOVs counted), so
their perplexities are directly comparable. The n-grams are counted once at the highest order and
every smoothing method is estimated from those counts.

What a profile fits is its LM plan (``get_profile(name).lm``), planned as one
``bench.lm_jobs.LMJob`` per result file: n-gram models, then neural LMs, then the kNN memory
(``lstm-knn-lm``) after the base LM it is built over. Each job writes one
``bench.lm_results.LMResult`` to ``<results>/lm/``, atomically; files already there are not redone
unless ``force``. A neural LM is saved once fitted (``<results>/lm/models/<run id>``), before it is
scored: a run stopped while scoring restores it instead of training it again, and a kNN memory
whose base LM an earlier run fitted reads that saved model.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench import sysinfo
from bench.datasets import get_dataset
from bench.lm_corpus import lm_corpus
from bench.lm_fit import Fitted, _fitted_neural_lm
from bench.lm_jobs import LMJob, lm_jobs
from bench.lm_results import LMResult
from bench.lm_samples import samples_of
from bench.models import LANGUAGE_MODELS
from bench.profiles import LMPlan, get_profile
from bench.results import write_json_atomic
from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer

__all__ = ["LMJob", "lm_corpus", "lm_jobs", "run_lm_dataset", "samples_of"]


@dataclass
class _Run:
    """What every job of one ``run_lm_dataset`` call shares: the corpus, its vocabulary and n-gram
    counts, and what earlier jobs left for later ones."""

    spec: object
    tokenizer: object
    train: list
    test: list
    vocab: object
    counts: object
    count_seconds: float
    profile: str
    seed: int
    plan: LMPlan
    models_dir: Path
    force: bool
    matches: dict = field(default_factory=dict)  # order -> match-length shares (any smoothing)
    fitted: dict = field(default_factory=dict)  # run id -> Fitted
    base_scores: dict = field(default_factory=dict)  # a kNN base's run id -> (log probs, seconds)


def run_lm_dataset(
    dataset: str,
    *,
    profile: str = "default",
    results_dir: Path,
    tokenizer: str | None = None,
    seed: int = 0,
    force: bool = False,
    neural=None,
) -> list[Path]:
    """Fit and score every planned language model on ``dataset``; return the files written.
    ``neural``: which of the plan's neural LMs to fit (None: all of them; empty: none)."""
    prof = get_profile(profile)  # an unknown profile: the one-line error naming the known ones
    spec = get_dataset(dataset)
    language = spec.language
    tok_name = tokenizer or prof.tokenizers.get(language) or DEFAULT_FOR_LANGUAGE[language]
    jobs = lm_jobs(
        dataset,
        prof.lm,
        profile=profile,
        tokenizer=make_tokenizer(tok_name).config(),
        data_sha256=spec.checksum(),
        seed=seed,
        out_dir=results_dir / "lm",
        neural=neural,
    )
    todo = [j for j in jobs if force or not j.path.exists()]
    if not todo:
        print(f"{dataset}: all {len(jobs)} language models already have results", file=sys.stderr)
        return []
    run = _prepare(
        dataset,
        tok_name,
        prof.lm,
        todo,
        profile=profile,
        seed=seed,
        models_dir=results_dir / "lm" / "models",
        force=force,
    )
    bases = {j.base.run_id for j in todo if j.base is not None}
    written = []
    for job in todo:
        if job.smoothing:
            result = _ngram_result(job, run)
        elif job.base is None:
            result = _neural_result(job, run, keep_scores=job.run_id in bases)
        else:
            base_scores = run.base_scores.get(job.base.run_id)
            result = _knn_result(job, run, _fitted(job.base, run), base_scores)
        if result is None:
            continue  # stupid backoff ranks; it has no perplexity
        write_json_atomic(job.path, result.to_dict())
        written.append(job.path)
        _report(dataset, job, result)
    return written


def _prepare(dataset: str, tok_name: str, plan: LMPlan, todo: list[LMJob], **settings) -> _Run:
    """The corpus, its vocabulary and its n-gram counts up to the highest order ``todo`` needs."""
    from baselines.ngram.counts import NgramCounts
    from baselines.ngram.vocab import build_and_encode

    spec, tok, train, test = lm_corpus(dataset, tok_name, plan)
    t0 = time.perf_counter()
    vocab, stream = build_and_encode(train, min_count=plan.min_count)
    max_order = max((j.order for j in todo if j.smoothing), default=1)
    counts = NgramCounts(stream, max_order, len(vocab))
    count_s = time.perf_counter() - t0
    print(
        f"{dataset}: {stream.n_sentences:,} train sentences, vocabulary {len(vocab):,}, "
        f"counted to order {max_order} in {count_s:.1f}s",
        file=sys.stderr,
        flush=True,
    )
    return _Run(spec, tok, train, test, vocab, counts, count_s, plan=plan, **settings)


def _ngram_result(job: LMJob, run: _Run):
    """Estimate ``job``'s smoothing from the shared counts and score it; None if it does not
    normalise. Samples are drawn only at each smoothing's highest planned order, where its best
    model usually is: a sample costs a pass over the vocabulary per word."""
    from baselines.ngram import make_lm
    from core.scoring import perplexity_of_scores

    t0 = time.perf_counter()
    lm = make_lm(job.smoothing, order=job.order, vocabulary=run.vocab)
    lm.fit_counts(run.vocab, run.counts)
    fit_s = time.perf_counter() - t0 + run.count_seconds
    if not lm.normalised:
        return None
    if job.order not in run.matches:  # the same for every smoothing of an order
        lengths = lm.match_lengths(run.test)
        shares = np.bincount(lengths, minlength=job.order + 1)[1:] / len(lengths)
        run.matches[job.order] = shares.tolist()
    extra = {
        "count_seconds": run.count_seconds,
        "model_params": lm.params(),
        "match_length_shares": run.matches[job.order],
    }
    extra.update(n_parameters=lm.n_parameters(), model_bytes=lm.model_bytes())
    top = max(n for m, n in run.plan.ngram if m == job.smoothing)
    if job.order == top:
        extra["samples"] = samples_of(lm, run.seed, neural=False)
    t1 = time.perf_counter()
    ppl = perplexity_of_scores(lm.token_scores(run.test))
    return _lm_result(job, run, "classic", ppl, fit_s, time.perf_counter() - t1, extra)


def _neural_extra(fitted: Fitted) -> dict:
    lm = fitted.lm
    return {
        "history": getattr(lm, "history_", []),
        "model_params": lm.params(),
        "seconds_per_epoch": getattr(lm, "seconds_per_epoch_", None),
        "train_tokens_per_s": getattr(lm, "train_tokens_per_s_", None),
        "restored_model": fitted.restored,
    }


def _neural_result(job: LMJob, run: _Run, *, keep_scores: bool):
    """Fit (or restore) ``job``'s neural LM, sample from it and score it; ``keep_scores``: keep its
    test log-probabilities for a kNN memory over it."""
    from core.scoring import perplexity_of_scores

    fitted = _fitted(job, run)
    lm = fitted.lm
    extra = _neural_extra(fitted)
    extra.update(
        n_parameters=lm.n_parameters(),
        model_bytes=lm.model_bytes(),
        samples=samples_of(lm, run.seed, neural=True),
    )
    t1 = time.perf_counter()
    scores = lm.token_scores(run.test)
    ppl = perplexity_of_scores(scores)
    score_s = time.perf_counter() - t1
    if keep_scores:
        run.base_scores[job.run_id] = (scores.log_probs, score_s)
    return _lm_result(job, run, "neural", ppl, fitted.fit_seconds, score_s, extra)


def _knn_result(job: LMJob, run: _Run, base: Fitted, base_scores: tuple | None):
    """Build ``job``'s kNN memory over the fitted ``base`` LM and score it, mixing in the base's
    test log-probabilities when this run scored them (``base_scores``: (log probs, seconds)). The
    memory samples nothing new: its LM's samples are in that LM's result."""
    from core.scoring import perplexity_of_scores

    extra = _neural_extra(base)
    t0 = time.perf_counter()
    memory = LANGUAGE_MODELS.get(job.model).cls()(base.lm, seed=run.seed, **job.identity["knn"])
    lm = memory.fit(run.train)
    extra.update(knn=lm.params(), base_fit_seconds=base.fit_seconds)
    fit_s = base.fit_seconds + time.perf_counter() - t0
    extra.update(n_parameters=lm.n_parameters(), model_bytes=lm.model_bytes())
    reused, lm_s = base_scores or (None, 0.0)
    t1 = time.perf_counter()
    ppl = perplexity_of_scores(lm.token_scores(run.test, lm_log_probs=reused))
    score_s = time.perf_counter() - t1
    # the cost of scoring with the memory includes the LM's, whichever run paid it
    extra["knn"].update(
        test_hit_share=lm.test_knn_hit_share_,
        search_seconds=lm.search_seconds_,
        test_perplexity_lm=float(np.exp(-lm.lm_log_prob_ / ppl.tokens)),
        lm_scores_reused=reused is not None,
        own_score_seconds=score_s,
    )
    return _lm_result(job, run, "neural", ppl, fit_s, score_s + lm_s, extra)


def _lm_result(
    job: LMJob, run: _Run, family: str, ppl, fit_s: float, score_s: float, extra: dict
) -> LMResult:
    return LMResult(
        task="lm",
        run_id=job.run_id,
        dataset=run.spec.name,
        language=run.spec.language,
        profile=run.profile,
        seed=job.identity["seed"],
        model=job.model,
        family=family,
        order=job.order,
        smoothing=job.smoothing,
        perplexity=ppl.perplexity,
        perplexity_excl_oov=ppl.perplexity_excl_oov,
        oov=ppl.oov,
        tokens=ppl.tokens,
        fit_seconds=fit_s,
        score_seconds=score_s,
        tokens_per_s_scoring=ppl.tokens / score_s if score_s > 0 else None,
        tokenizer=run.tokenizer.config(),
        identity=job.identity,
        peak_rss_mb=sysinfo.peak_rss_mb(),
        versions=sysinfo.library_versions(),
        machine=sysinfo.machine(),
        finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **extra,
    )


def _report(dataset: str, job: LMJob, result) -> None:
    order = f" order {job.order}" if job.order else ""
    print(
        f"  {dataset} {job.model}{order}: perplexity {result.perplexity:,.1f} "
        f"(fit {result.fit_seconds:.1f}s, score {result.score_seconds:.1f}s)",
        file=sys.stderr,
        flush=True,
    )
    if result.family == "neural" and result.samples:
        drawn = result.samples[-1]  # the sharpest temperature: the most readable
        print(
            f"    sampled at temperature {drawn['temperature']}: {drawn['sentences'][0]}",
            file=sys.stderr,
            flush=True,
        )


def _fitted(job: LMJob, run: _Run) -> Fitted:
    """``job``'s neural LM: fitted earlier in this run, else restored or fitted and saved."""
    if job.run_id not in run.fitted:
        run.fitted[job.run_id] = _fitted_neural_lm(
            job.model, job.identity, run.vocab, run.train, run.models_dir, run.force
        )
    return run.fitted[job.run_id]
