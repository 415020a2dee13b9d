"""What one report page shows, assembled from the result files of one profile.

``page_context`` returns plain dicts and lists for the template: tables as records (NaN turned
into ``None``), plots as ``data:`` URIs. Every string in it is escaped by the template.
"""

from __future__ import annotations

import pandas as pd

from bench.results import RunResult
from reports import plots, plots_lm, plots_sizes
from reports.advice import recommendations
from reports.compute import compute_tables
from reports.data_section import data_section
from reports.language_models import lm_samples, lm_summary
from reports.references import all_sources, references_for
from reports.significance import classic_vs_neural
from reports.tables import runs_frame, size_frame, summary_frame

KOREAN_ANALYZER_MODELS = ("nb",)  # the rows that isolate what an analyzer buys


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, missing values as ``None``."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _dataset_section(
    name: str, summary: pd.DataFrame, sizes: pd.DataFrame, runs: list[RunResult]
) -> dict:
    table = summary[summary["dataset"] == name]
    points = sizes[sizes["dataset"] == name]
    meta = runs[0]
    return {
        "name": name,
        "language": meta.language,
        "classes": list(meta.classes),
        "rows": records(table),
        "advice": recommendations(table),
        "significance": classic_vs_neural(table, runs) if not table.empty else None,
        "references": references_for(name, summary),
        "size_rows": records(points),
        "plots": {
            "accuracy_vs_time": plots.accuracy_vs_time(table, name) if not table.empty else None,
            "training_curves": plots.training_curves(runs, name),
            "confusion": plots.confusion_matrices(runs, name),
            "data_efficiency": plots_sizes.data_efficiency(
                points.dropna(subset=["accuracy"]), name
            ),
            "scaling": plots_sizes.scaling(points, name),
        },
    }


def _korean_section(summary: pd.DataFrame, languages: dict[str, str]) -> list[dict]:
    out = []
    for name in sorted(d for d, lang in languages.items() if lang == "ko"):
        table = summary[summary["dataset"] == name]
        nb = table[table["model"].isin(KOREAN_ANALYZER_MODELS)]
        chosen = nb if not nb.empty else table
        if chosen.empty:
            continue
        out.append(
            {
                "dataset": name,
                "rows": records(chosen.sort_values("tokenize_docs_per_s", ascending=False)),
                "plot": plots_sizes.analyzer_speed_vs_accuracy(chosen, name),
            }
        )
    return out


def _lm_section(lm: pd.DataFrame) -> list[dict]:
    summary = lm_summary(lm)
    return (
        [
            {
                "dataset": name,
                "rows": records(part),
                "plot": plots_lm.perplexity_by_order(part, name),
                "curves": plots_lm.neural_lm_curves(lm[lm["dataset"] == name], name),
                "samples": lm_samples(lm[lm["dataset"] == name]),
            }
            for name, part in summary.groupby("dataset", sort=True)
        ]
        if not summary.empty
        else []
    )


def _glance(sections: list[dict]) -> list[dict]:
    out = []
    for s in sections:
        if not s["advice"]:
            continue
        out.append(
            {
                "dataset": s["name"],
                "picks": s["advice"],
                "significance": s["significance"]["verdict"] if s["significance"] else None,
            }
        )
    return out


def page_context(
    results: list[RunResult], lm: pd.DataFrame, profile: str, lm_scale: pd.DataFrame | None = None
) -> dict:
    """Everything one profile's page shows; ``lm_scale`` adds n-gram LM points to scaling plots."""
    runs = runs_frame(results)
    summary, sizes = summary_frame(runs), size_frame(runs)
    if lm_scale is not None and not lm_scale.empty:
        sizes = pd.concat([sizes, lm_scale], ignore_index=True)
    sizes = sizes.reindex(
        columns=list(dict.fromkeys([*sizes.columns, "perplexity"]))
    )  # a column for every row
    by_dataset: dict[str, list[RunResult]] = {}
    for r in results:
        by_dataset.setdefault(r.dataset, []).append(r)
    sections = [
        _dataset_section(name, summary, sizes, by_dataset[name]) for name in sorted(by_dataset)
    ]
    latest = max(results, key=lambda r: r.finished_at)
    return {
        "profile": profile,
        "n_runs": len(results),
        "datasets": sections,
        "glance": _glance(sections),
        "data": data_section(results),
        "korean": _korean_section(summary, {r.dataset: r.language for r in results}),
        "language_models": _lm_section(lm),
        "caps_notes": sorted({r.caps_note for r in results if r.caps_note}),
        "compute": compute_tables(results, lm),
        "versions": latest.versions,
        "machine": latest.machine,
        "sources": all_sources(),
    }
