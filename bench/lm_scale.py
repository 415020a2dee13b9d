"""How an n-gram language model's fit time and memory grow with data: the raw NSMC crawl.

The corpus is every crawl review outside ``nsmc-raw``'s classification test set (ratings 5-8
included: a language model needs no label), tokenized once with the profile's Korean tokenizer
(cached), in a fixed shuffled order so each size is a prefix of the next. Per size a fresh
vocabulary (words seen twice), counts and model are built; the fit time covers all three, the
memory is what fitting needed above the loaded corpus (``PeakWatch``), and perplexity is on the
test reviews. One ``bench.lm_results.LMScaleResult`` per point in ``<results>/lm_scale/``, written
atomically; points already there are skipped unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

from bench import sysinfo
from bench.datasets import get_dataset
from bench.lm_results import LMScaleResult
from bench.memory import PeakWatch
from bench.profiles import get_profile
from bench.results import run_id, write_json_atomic
from bench.tokenizers import DEFAULT_FOR_LANGUAGE, make_tokenizer

LM_SCALE_SIZES: tuple[int | None, ...] = (10_000, 30_000, 100_000, 300_000, None)
ORDER, SMOOTHING, MIN_COUNT, SHUFFLE_SEED = 3, "mkn", 2, 0


def _corpus(spec, tokenizer):
    from bench.datasets import nsmc_raw
    from bench.tokenizers.cache import tokenize_corpus

    dataset = spec.name
    if spec.name != nsmc_raw.SPEC.name:
        data = spec.load()
        pool, test = data.train.texts, data.test.texts
    else:
        pool, test = nsmc_raw.lm_texts(spec)
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(pool))
    pool = [pool[i] for i in order]
    tr = tokenize_corpus(
        spec, "lm-pool", pool, tokenizer, progress=f"{dataset} LM corpus", keep_workers=True
    )
    te = tokenize_corpus(spec, "lm-test", test, tokenizer, progress=f"{dataset} LM test")
    return tr.docs, [d for d in te.docs if d]


def run_lm_scale(
    dataset: str = "nsmc-raw",
    sizes: list[int | None] = LM_SCALE_SIZES,
    *,
    profile: str = "default",
    results_dir: Path,
    force: bool = False,
) -> list[Path]:
    """Fit an order-3 modified Kneser-Ney model on growing prefixes of the corpus; files written."""
    spec = get_dataset(dataset)
    language = spec.language
    tok_name = get_profile(profile).tokenizers.get(language) or DEFAULT_FOR_LANGUAGE[language]
    tokenizer = make_tokenizer(tok_name)
    base = {
        "task": "lm-scale",
        "dataset": dataset,
        "tokenizer": tokenizer.config(),
        "profile": profile,
        "data_sha256": spec.checksum(),
        "order": ORDER,
        "smoothing": SMOOTHING,
        "min_count": MIN_COUNT,
        "shuffle_seed": SHUFFLE_SEED,
    }
    out_dir = results_dir / "lm_scale"
    identities = {size: {**base, "max_train_docs": size} for size in sizes}
    paths = {
        size: out_dir / f"{dataset}__ngram-{SMOOTHING}__o{ORDER}__{size or 'full'}__"
        f"{profile}__{run_id(identities[size])}.json"
        for size in sizes
    }
    todo = [s for s in sizes if force or not paths[s].exists()]
    if not todo:
        print(f"{dataset}: every n-gram scaling point already has a result", file=sys.stderr)
        return []
    pool, test = _corpus(spec, tokenizer)
    written = []
    for size in todo:
        point = _fit_point(pool[:size] if size else pool, test)
        result = LMScaleResult(
            **base,
            **point,
            identity=identities[size],
            max_train_docs=size,
            run_id=run_id(identities[size]),
            model=f"ngram-{SMOOTHING}-{ORDER}",
            family="classic",
            versions=sysinfo.library_versions(),
            machine=sysinfo.machine(),
            finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        )
        write_json_atomic(paths[size], result.to_dict())
        written.append(paths[size])
        print(
            f"  {dataset} n-gram LM on {result.train_size:,} reviews ({result.train_tokens:,} "
            f"tokens): fit {result.fit_seconds:.1f}s, {result.fit_memory_mb or 0:.0f} MiB, "
            f"perplexity {result.perplexity:,.1f}",
            file=sys.stderr,
            flush=True,
        )
    return written


def _fit_point(docs: list[list[str]], test: list[list[str]]) -> dict:
    from baselines.ngram import make_lm
    from baselines.ngram.counts import NgramCounts
    from baselines.ngram.vocab import build_and_encode
    from core.scoring import perplexity

    sentences = [d for d in docs if d]
    t0 = time.perf_counter()
    with PeakWatch() as memory:
        vocab, stream = build_and_encode(sentences, min_count=MIN_COUNT)
        counts = NgramCounts(stream, ORDER, len(vocab))
        lm = make_lm(SMOOTHING, order=ORDER, vocabulary=vocab).fit_counts(vocab, counts)
    fit_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    ppl = perplexity(lm, test)
    return {
        "train_size": len(docs),
        "train_tokens": int(sum(map(len, sentences))),
        "vocabulary": len(vocab),
        "fit_seconds": fit_s,
        "fit_memory_mb": memory.extra_mb,
        "peak_rss_mb": sysinfo.peak_rss_mb(),
        "perplexity": ppl.perplexity,
        "oov": ppl.oov,
        "tokens": ppl.tokens,
        "score_seconds": time.perf_counter() - t1,
    }
