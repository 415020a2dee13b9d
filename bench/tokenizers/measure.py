"""Tokenize a dataset and measure it: what ``python -m bench tokenize`` prints."""

from __future__ import annotations

from bench.errors import BenchError
from bench.tokenizers.cache import TokenizedSplit, tokenize_corpus


def _build(name: str, options: dict):
    """The tokenizer ``name`` with ``options``; an option it does not take is a one-line error."""
    import inspect

    from bench.tokenizers import TOKENIZERS

    cls = TOKENIZERS.get(name)
    accepted = [
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise BenchError(
            f"tokenizer {name!r} has no option {unknown[0]!r}; its options: "
            f"{', '.join(accepted) or 'none'}."
        )
    return cls(**options)


def _limited(splits: list[tuple[str, list[str]]], limit: int | None) -> list[tuple[str, list[str]]]:
    """The first ``limit`` documents, taken from train first, then test."""
    if limit is None:
        return splits
    out = []
    for name, texts in splits:
        if limit <= 0:
            break
        out.append((name, texts[:limit]))
        limit -= len(out[-1][1])
    return out


def tokenize_dataset(
    dataset: str,
    tokenizer: str,
    *,
    options: dict | None = None,
    limit: int | None = None,
    workers: int | None = None,
    use_cache: bool | None = None,
    quiet: bool = False,
) -> dict:
    """Tokenize a dataset's train and test texts (or the first ``limit``) and report throughput.

    Returns a JSON-ready dict: ``docs``, ``tokens``, ``tokens_per_doc``, ``seconds`` and
    ``docs_per_s`` of this call, ``cache_hit`` (None when not cached), the ``cold_seconds`` and
    ``cold_docs_per_s`` of the analysis proper (from the cache entry on a hit), of which
    ``load_seconds`` loading the analyzer, ``analysis_docs_per_s`` without that, ``workers``, the
    tokenizer's config, and ``cached`` (whether every entry is now on disk; None when not cached).
    Full splits share their cache entries with ``bench run``.
    """
    from bench.datasets import get_dataset

    if limit is not None and limit < 1:
        raise BenchError(f"--limit must be a positive number of documents, got {limit}.")
    if workers is not None and workers < 1:
        raise BenchError(f"--workers must be at least 1, got {workers}.")
    spec = get_dataset(dataset)
    tok = _build(tokenizer, options or {})
    data = spec.load()
    parts: dict[str, TokenizedSplit] = {}
    splits = _limited([("train", data.train.texts), ("test", data.test.texts)], limit)
    for i, (split, texts) in enumerate(splits):
        label = None if quiet else f"{dataset} {split} with {tok.name}"
        parts[split] = tokenize_corpus(
            spec,
            split,
            texts,
            tok,
            workers=workers,
            use_cache=use_cache,
            progress=label,
            keep_workers=i < len(splits) - 1,
        )
    docs = sum(len(p.docs) for p in parts.values())
    tokens = sum(p.n_tokens for p in parts.values())
    seconds = sum(p.seconds for p in parts.values())
    cold = sum(p.cold_seconds for p in parts.values())
    load = sum(p.load_seconds for p in parts.values())
    hits = [p.cache_hit for p in parts.values()]
    return {
        "dataset": spec.name,
        "tokenizer": tok.config(),
        "limit": limit,
        "docs": docs,
        "tokens": tokens,
        "tokens_per_doc": tokens / docs if docs else 0.0,
        "seconds": seconds,
        "docs_per_s": docs / seconds if seconds > 0 else None,
        "cache_hit": None if None in hits else all(hits),
        # False when a cache entry could not be written (read-only or full disk): not cached
        "cached": None if None in hits else all(p.path is not None for p in parts.values()),
        "cold_seconds": cold,
        "cold_docs_per_s": docs / cold if cold > 0 else None,
        "load_seconds": load,
        # throughput once the analyzer is loaded (one process; with workers: their start-up too)
        "analysis_docs_per_s": docs / (cold - load) if cold - load > 0 else None,
        "workers": max((p.workers for p in parts.values()), default=1),
        "splits": {
            name: {
                "docs": len(p.docs),
                "tokens": p.n_tokens,
                "seconds": p.seconds,
                "cold_seconds": p.cold_seconds,
                "cache_hit": p.cache_hit,
                "workers": p.workers,
                "cache_file": str(p.path) if p.path else None,
            }
            for name, p in parts.items()
        },
    }


def summary_line(report: dict) -> str:
    """One human-readable line for a ``tokenize_dataset`` report."""
    cfg = report["tokenizer"]
    rate = f"{report['docs_per_s']:,.0f} docs/s" if report["docs_per_s"] else "instant"
    line = (
        f"{report['dataset']} x {cfg['name']}: {report['docs']:,} docs in {report['seconds']:.2f}s "
        f"({rate}), {report['tokens_per_doc']:.1f} tokens/doc"
    )
    if report["cache_hit"] is None:
        load = (
            f", {report['load_seconds']:.1f}s of it loading the analyzer"
            if report["load_seconds"] >= 0.1
            else ""
        )
        return line + f", not cached, {report['workers']} process(es){load}"
    if report["cache_hit"]:
        cold = report["cold_docs_per_s"] or 0
        return line + (
            f", cache hit (cold: {report['cold_seconds']:.1f}s, {cold:,.0f} docs/s with "
            f"{report['workers']} process(es))"
        )
    load = (
        f", {report['load_seconds']:.1f}s of it loading the analyzer"
        if report["load_seconds"] >= 0.1
        else ""
    )
    stored = "now cached" if report.get("cached") else "not cached: the cache could not be written"
    return line + f", cache miss ({stored}), {report['workers']} process(es){load}"
