"""The report's "Know your data" section: each dataset's description and leakage audit.

Descriptions come from ``bench.describe``'s cache, keyed by the checksum the runs recorded. One
missing from the cache is computed only when the data home holds the very files the runs used
(same checksum): a report rendered from shipped results on another machine, or from runs on other
data, says so for that dataset instead of describing something else or failing.
"""

from __future__ import annotations

from bench.errors import BenchError
from bench.results import RunResult
from reports.plots_data import length_distributions


def _description(name: str, checksum: str) -> tuple[dict | None, str | None]:
    """The description of the data ``name``'s runs used, or None and why there is none."""
    from bench.datasets import get_dataset
    from bench.describe import cached_description, describe_dataset

    try:
        spec = get_dataset(name)
        cached = cached_description(name, checksum)
        if cached is not None:
            return cached, None
        if not all(f.path.is_file() for f in spec.files):
            return None, "its files are not in this machine's data home"
        if spec.checksum() != checksum:
            return None, "the files in this machine's data home differ from those the runs used"
        return describe_dataset(name), None
    except (BenchError, OSError) as exc:
        return None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _row(doc: dict) -> dict:
    leak, vocab, sizes = doc["leakage"], doc["vocabulary"], doc["sizes"]
    return {
        "dataset": doc["dataset"],
        "train": sizes["train"],
        "test": sizes["test"],
        "classes": ", ".join(
            f"{c['class']} {c['train']:,}/{c['test']:,}" for c in sizes["classes"]
        ),
        "n_classes": len(sizes["classes"]),
        "tokenizer": doc["tokenizer"]["name"],
        "median_tokens": doc["tokens"]["train"]["p50"],
        "train_vocab": vocab["train_vocab"],
        "oov_rate": vocab["test_oov_token_rate"],
        "train_duplicates": leak["train_duplicates"],
        "test_duplicates": leak["test_duplicates"],
        "test_in_train": leak["test_in_train"],
        "test_in_train_share": leak["test_in_train_share"],
        "conflicting": leak["test_in_train_conflicting"],
        "warnings": leak["warnings"],
        "examples": leak["examples"]["test_in_train"],
        "described_at": doc["described_at"],
    }


def data_section(results: list[RunResult]) -> dict:
    """Rows of the datasets with runs (the data of each one's latest run), the datasets that
    could not be described and why, and the length-distribution plot."""
    latest: dict[str, RunResult] = {}
    for r in results:
        if r.dataset not in latest or r.finished_at > latest[r.dataset].finished_at:
            latest[r.dataset] = r
    described, missing = [], []
    for name in sorted(latest):
        doc, why = _description(name, latest[name].data_sha256)
        if doc is None:
            missing.append({"dataset": name, "why": why})
        else:
            described.append(doc)
    return {
        "rows": [_row(d) for d in described],
        "missing": missing,
        "plot": length_distributions(described),
    }
