"""Which stored runs a report summarises: those of each configuration's latest settings.

A result file is keyed by its run's whole identity (settings, data checksum, tokenizer version,
seed), so when a profile's settings change and the grid runs again, the new runs are stored beside
the old ones under the same dataset, model and tokenizer. Averaging them together would report one
row of two different models. Runs are grouped by what a report's row shows (dataset, model,
tokenizer, profile, training cap; for language models also order and smoothing); in each group the
runs whose identity, seed aside, matches the most recently finished run's are kept and the others
are *superseded*: left out of every table and plot, and counted in a note. Result files that fail
validation (run files: ``bench.results.load_run``; language-model files: ``bench.lm_results``) are
named in the same note, each with the reason, never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.errors import BenchError
from bench.results import config_key, read_results
from reports.language_models import lm_frame, read_lm_results


def _row_key(r) -> tuple:
    # a run on modified data is its own row: it never replaces a run on the published data
    return r.dataset, r.model, r.tokenizer.get("name"), r.profile, r.max_train, r.data_modified


def current_results(results: list) -> tuple[list, list]:
    """``(kept, superseded)`` run results: each row's runs of its latest configuration, and the
    rest."""
    latest = {}
    for r in results:
        key = _row_key(r)
        if key not in latest or r.finished_at > latest[key].finished_at:
            latest[key] = r
    wanted = {key: config_key(r.identity) for key, r in latest.items()}
    kept, superseded = [], []
    for r in results:
        (kept if config_key(r.identity) == wanted[_row_key(r)] else superseded).append(r)
    return kept, superseded


LM_ROW = ["dataset", "model", "order", "smoothing", "tokenizer", "profile"]


def current_lm_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Language-model rows of each (corpus, model, order, smoothing, tokenizer, profile)'s latest
    configuration (``frame`` has ``config`` and ``finished_at`` columns), and how many were left
    out."""
    if frame.empty or "config" not in frame:
        return frame, 0
    keys = pd.Series(
        ["\x1f".join(map(str, row)) for row in frame[LM_ROW].itertuples(index=False)],
        index=frame.index,
    )
    by_time = frame.assign(_key=keys).sort_values("finished_at", na_position="first")
    latest = by_time.groupby("_key")["config"].last()
    keep = (frame["config"] == keys.map(latest)).to_numpy()
    return frame[keep].reset_index(drop=True), int((~keep).sum())


def superseded_note(
    runs: list, lm_left_out: int = 0, invalid: list[str] = (), invalid_runs: list[str] = ()
) -> str | None:
    """A few sentences for the report on what was left out, or None: superseded runs, and the
    language-model (``invalid``) and run (``invalid_runs``) result files that fail validation,
    one line each naming the file and why."""
    sentences = []
    if runs or lm_left_out:
        parts = []
        if runs:
            rows = sorted({f"{r.dataset} × {r.model} ({r.profile})" for r in runs})
            shown = ", ".join(rows[:6]) + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")
            parts.append(f"{len(runs)} classification run{'s' * (len(runs) != 1)} ({shown})")
        if lm_left_out:
            parts.append(f"{lm_left_out} language-model run{'s' * (lm_left_out != 1)}")
        sentences.append(
            "Left out: " + " and ".join(parts) + ", made with earlier settings, data "
            "or tokenizer versions than the latest run of the same row, so that no "
            "row averages two configurations."
        )
    if invalid:
        sentences.append(
            f"Left out {len(invalid)} language-model result file"
            f"{'s' * (len(invalid) != 1)} that fail{'s' * (len(invalid) == 1)} "
            f"validation: {'; '.join(invalid)}."
        )
    if invalid_runs:
        n = len(invalid_runs)
        sentences.append(
            f"Left out {n} run file{'s' * (n != 1)} that cannot be used (unreadable or failing "
            f"validation): {'; '.join(invalid_runs)}."
        )
    return " ".join(sentences) or None


def _file(problem: str) -> str:
    return problem.split(" (", 1)[0]


def load_report_inputs(results_dir) -> tuple[list, pd.DataFrame, str | None, list[str]]:
    """``load_current``'s results, rows and note, and one line per result file left out because it
    cannot be read or fails validation (``folder/name (reason)``)."""
    if Path(results_dir).exists() and not Path(results_dir).is_dir():
        raise BenchError(f"results folder {results_dir} is a regular file, not a folder")
    stored, invalid_runs = read_results(results_dir)
    results, superseded = current_results(stored)
    lm_results, invalid_lm = read_lm_results(results_dir)
    named = {_file(p) for p in invalid_runs}  # an unreadable file in runs/ is named once
    invalid_lm = [p for p in invalid_lm if _file(p) not in named]
    lm, lm_left_out = current_lm_rows(lm_frame(lm_results))
    note = superseded_note(superseded, lm_left_out, invalid_lm, invalid_runs)
    return results, lm, note, invalid_runs + invalid_lm


def load_current(results_dir) -> tuple[list, pd.DataFrame, str | None]:
    """The stored classification results and language-model rows a report shows (each row's latest
    configuration), and the note on what was left out (None when nothing was)."""
    return load_report_inputs(results_dir)[:3]
