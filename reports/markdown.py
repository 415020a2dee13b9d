"""Stored results as Markdown tables (``bench report --markdown``), to paste into a README, a
paper or a bug report instead of copying figures by hand.

Classification: one row per model, one column per dataset, each cell the mean test accuracy over
the stored seeds with their standard deviation and count; a model run with a tokenizer other than
the one most of its dataset's runs use gets a row of its own (``nb (okt)``). Language models: test
perplexity per model and corpus, each n-gram smoothing at its best order. Figures come from the
tables the HTML report shows (``reports.tables``, ``reports.language_models``), so both agree.
Under each table a line says where its figures come from: how many runs, the dates they finished
and the machines they ran on, so a table pasted into the README carries them. Never imports a model.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from core.errors import UserError
from reports.compute import provenance
from reports.language_models import lm_summary
from reports.tables import runs_frame, summary_frame


def _accuracy_cell(row) -> str:
    std = row["accuracy_std"]
    spread = f" ± {std:.4f}" if std == std and row["seeds"] > 1 else ""  # NaN for a single seed
    return f"{row['accuracy']:.4f}{spread} ({int(row['seeds'])})"


def _model_rank(model: str) -> int:
    """Registry order (classic models first), unregistered names last."""
    from bench.models import MODELS

    names = list(MODELS)
    return names.index(model) if model in names else len(names)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _pivot(
    cells: dict[tuple[str, str], tuple[float, str]],
    datasets: list[str],
    rows: list[str],
    higher_is_better: bool,
) -> list[list[str]]:
    """``cells[(row, dataset)] = (value, text)`` as table rows, the best value per dataset in
    bold."""
    pick = max if higher_is_better else min
    best = {
        d: pick((v for (_, dd), (v, _) in cells.items() if dd == d), default=None) for d in datasets
    }
    out = []
    for r in rows:
        line = [f"`{r}`"]
        for d in datasets:
            value, text = cells.get((r, d), (None, "–"))
            line.append(f"**{text}**" if value is not None and value == best[d] else text)
        out.append(line)
    return out


def classification_table(results) -> str:
    """Mean test accuracy ± std (seeds) per model and dataset, from a profile's run results."""
    summary = summary_frame(runs_frame(results))
    if summary.empty:
        return "No classification results."
    main_tok = summary.groupby("dataset")["tokenizer"].agg(lambda s: s.value_counts().index[0])
    cells, keys = {}, {}
    for _, row in summary.iterrows():
        name = row["model"]
        if row["tokenizer"] != main_tok[row["dataset"]]:
            name = f"{name} ({row['tokenizer']})"
        cells[(name, row["dataset"])] = (row["accuracy"], _accuracy_cell(row))
        keys[name] = (_model_rank(row["model"]), name != row["model"], name)
    rows = sorted(keys, key=keys.get)
    datasets = sorted(summary["dataset"].unique())
    header = ["model"] + [f"{d} ({main_tok[d]})" for d in datasets]
    return _table(header, _pivot(cells, datasets, rows, higher_is_better=True))


def lm_table(lm: pd.DataFrame) -> str:
    """Test perplexity per language model and corpus; each n-gram smoothing at its best order."""
    summary = lm_summary(lm)
    if summary.empty:
        return "No language-model results."
    cells, rows = {}, set()
    for (dataset, model), part in summary.groupby(["dataset", "model"], sort=False):
        best = part.loc[part["perplexity"].idxmin()]
        neural = best["family"] == "neural"
        text = f"{best['perplexity']:,.1f}" + ("" if neural else f" (order {int(best['order'])})")
        cells[(model, dataset)] = (best["perplexity"], text)
        rows.add((neural, model))  # the n-gram smoothings first
    datasets = sorted(summary["dataset"].unique())
    names = [m for _, m in sorted(rows)]
    return _table(["model"] + datasets, _pivot(cells, datasets, names, higher_is_better=False))


def _machine(provenance_line: str) -> str:
    """The machine part of ``reports.compute.provenance``'s line (``CPU (generation) × cores``) as
    ``CPU (generation), N cores``."""
    cpu, _, cores = provenance_line.split("; ")[0].rpartition(" × ")
    if cpu in ("", "?"):
        return "an unrecorded machine"
    return f"{cpu}, {cores} cores" if cores.isdigit() else cpu


def source_line(finished_at: list, machines: list[str]) -> str:
    """Where a table's figures come from: the number of runs, the dates they finished (UTC, from
    their ``finished_at``) and the machines (``_machine`` labels, one per run)."""
    runs = f"{len(machines)} run{'s' * (len(machines) != 1)}"
    dates = sorted(str(t)[:10] for t in finished_at if isinstance(t, str) and t)
    when = (
        "(finish dates not recorded)"
        if not dates
        else f"finished {dates[0]}"
        if dates[0] == dates[-1]
        else f"finished between {dates[0]} and {dates[-1]}"
    )
    counts = Counter(machines)
    where = (
        next(iter(counts))
        if len(counts) == 1
        else f"{len(counts)} machines: "
        + "; ".join(f"{m} ({n} run{'s' * (n != 1)})" for m, n in counts.most_common())
    )
    return f"Source: {runs} {when}, on {where}."


def markdown_report(results, lm: pd.DataFrame, profile: str) -> str:
    """The classification and language-model tables of one profile, with headings, each followed
    by its ``source_line``."""
    lm = lm[lm["profile"] == profile] if not lm.empty else lm
    shown = [r for r in results if r.profile == profile and r.max_train is None]  # the table's runs
    parts = [
        f"## Profile `{profile}`",
        "",
        "Test accuracy, mean ± standard deviation over seeds (number of seeds); "
        "bold: best on the dataset.",
        "",
        classification_table(shown),
    ]
    if shown:
        parts += [
            "",
            source_line(
                [r.finished_at for r in shown],
                [_machine(provenance(r.machine, r.versions)) for r in shown],
            ),
        ]
    if not lm.empty:
        machines = [_machine(p) for p in lm["provenance"]]
        parts += [
            "",
            "Test perplexity (lower is better); n-gram smoothings at their best order.",
            "",
            lm_table(lm),
            "",
            source_line(list(lm["finished_at"]), machines),
        ]
    return "\n".join(parts) + "\n"


def render_markdown(results_dir: Path, profile: str | None = None) -> tuple[str, str | None]:
    """``bench report --markdown``: the tables of ``profile`` (every profile when None) from the
    stored results, and the note on runs left out (None when nothing was). Raises a one-line
    ``UserError`` when there are no results, or none of ``profile``."""
    from reports.superseded import load_current

    results, lm, note = load_current(results_dir)
    profiles = sorted({r.profile for r in results} | set(lm["profile"]))
    if not profiles:
        raise UserError(f"no results in {results_dir}; run `python -m bench all` first")
    if profile is not None and profile not in profiles:
        raise UserError(
            f"no results for profile {profile!r} in {results_dir} (there are: "
            f"{', '.join(profiles)}); run `python -m bench all --profile {profile}` "
            "first"
        )
    text = "\n".join(markdown_report(results, lm, p) for p in ([profile] if profile else profiles))
    return text, note
