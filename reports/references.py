"""Published results kept as data (``references.json``), set next to ours in the report."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

REFERENCES_FILE = Path(__file__).with_name("references.json")


@functools.lru_cache(maxsize=1)
def load_references() -> dict:
    """The sources and reference results from ``references.json``."""
    return json.loads(REFERENCES_FILE.read_text(encoding="utf-8"))


def _published(ref: dict) -> tuple[float, str]:
    if "accuracy_range" in ref:
        low, high = ref["accuracy_range"]
        return (low + high) / 2, f"{low:.3f}–{high:.3f}"
    return ref["accuracy"], f"{ref['accuracy']:.4f}"


def references_for(dataset: str, summary: pd.DataFrame | None = None) -> list[dict]:
    """The published results for ``dataset``, each with our mean accuracy for the model named
    in ``ours`` (its best tokenizer) when the summary has it."""
    doc = load_references()
    out = []
    for ref in doc["references"]:
        if ref["dataset"] != dataset:
            continue
        value, shown = _published(ref)
        source = doc["sources"][ref["source"]]
        row = {
            "model": ref["model"],
            "published": shown,
            "ours_model": ref.get("ours") or "",
            "ours_accuracy": None,
            "difference": None,
            "citation": source["citation"],
            "url": source.get("url", ""),
        }
        if summary is not None and ref.get("ours") and not summary.empty:
            mine = summary[(summary["dataset"] == dataset) & (summary["model"] == ref["ours"])]
            if not mine.empty:
                row["ours_accuracy"] = float(mine["accuracy"].max())
                row["difference"] = row["ours_accuracy"] - value
        out.append(row)
    return out


def all_sources() -> list[dict]:
    """Every source with the datasets it reports on, for the report's reference list."""
    doc = load_references()
    return [
        {
            "key": key,
            **src,
            "datasets": sorted({r["dataset"] for r in doc["references"] if r["source"] == key}),
        }
        for key, src in doc["sources"].items()
    ]
