"""What a page's results cost and where they were made.

A profile's results can come from several invocations (the grid resumes where it stopped), from
several machines and from several commits. The page adds up the time the runs themselves recorded,
per dataset and kind of run, and lists every (machine, commit, library versions) combination with
its runs, so the figures trace back to the runs that made them instead of to the latest one only.

Classification runs count from start to finish (loading, tokenizing, fitting, predicting,
saving). Language-model runs count their own fitting and scoring: the n-gram counts they share are
counted once per dataset and seed, and a memory-augmented LM counts its memory, not the LM it reads
(that LM's own run does). A neural LM restored from its saved model (a run stopped while scoring,
then resumed) counts the training it restored once, as it was timed when it ran. The corpus
tokenization of the language-model task is not counted.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bench.results import RunResult


def wall_seconds(started_at: str, finished_at: str) -> float | None:
    """Seconds between two ISO timestamps, ``None`` if either is missing or malformed."""
    try:
        return (
            dt.datetime.fromisoformat(finished_at) - dt.datetime.fromisoformat(started_at)
        ).total_seconds()
    except (TypeError, ValueError):
        return None


def lm_own_seconds(doc: dict) -> float | None:
    """The seconds a language-model record spent on its own (see the module docstring)."""
    fit, score = doc.get("fit_seconds"), doc.get("score_seconds")
    if fit is None or score is None:
        return None
    knn = doc.get("knn")
    if isinstance(knn, dict) and doc.get("base_fit_seconds") is not None:
        return fit - doc["base_fit_seconds"] + knn.get("own_score_seconds", score)
    return fit - (doc.get("count_seconds") or 0.0) + score


def provenance(machine: dict | None, versions: dict | None, executor: dict | None = None) -> str:
    """One line naming the machine, commit and deep-learning libraries of a run, and how it was
    run when its file says (``execution``): timings of runs that shared a machine's cores, or
    ran on a GPU, are grouped apart from those that had the machine to themselves."""
    machine, versions = machine or {}, versions or {}
    commit = machine.get("code_commit")
    code = (
        f"commit {commit[:7]}{' (modified)' if machine.get('code_modified') else ''}"
        if commit
        else "commit unknown"
    )
    tf = versions.get("tensorflow") or versions.get("tensorflow-cpu")
    libs = ", ".join(
        f"{name} {v}" for name, v in (("TensorFlow", tf), ("Keras", versions.get("keras"))) if v
    )
    gen = f" ({machine['cpu_generation']})" if machine.get("cpu_generation") else ""
    cpu = f"{machine.get('cpu', '?')}{gen} × {machine.get('cpu_count', '?')}"
    return "; ".join(x for x in (cpu, code, libs, execution(executor)) if x)


def execution(executor: dict | None) -> str:
    """How a run was made (``bench.sysinfo.execution``), e.g. ``ray, 1 core per run, cpu``; empty
    for files from before executors were recorded."""
    if not executor:
        return ""
    how = str(executor.get("executor", "?"))
    if executor.get("jobs", 1) > 1:
        how += f" --jobs {executor['jobs']}"
    cpus = executor.get("cpus")
    share = f"{cpus} core{'s' * (cpus != 1)} per run" if isinstance(cpus, int) else ""
    parts = (how, share, numerics(executor.get("numerics")), str(executor.get("accelerator") or ""))
    return ", ".join(x for x in parts if x)


def numerics(fixed: dict | None) -> str:
    """How a neural run computed (``neural.numerics``), e.g. ``1 TensorFlow thread, oneDNN up to
    AVX``; empty for a run that recorded none (classic models, files from before)."""
    if not fixed:
        return ""
    threads = fixed.get("intra_op_threads")
    out = f"{threads} TensorFlow thread{'s' * (threads != 1)}" if threads else ""
    isa = fixed.get("onednn_max_cpu_isa")
    return ", ".join(x for x in (out, f"oneDNN up to {isa}" if isa else "") if x)


def classification_rows(results: list[RunResult]) -> list[dict]:
    return [
        {
            "dataset": r.dataset,
            "task": "classification",
            "family": r.family,
            "seconds": wall_seconds(r.started_at, r.finished_at),
            "finished_at": r.finished_at,
            "provenance": provenance(r.machine, r.versions, r.executor),
        }
        for r in results
    ]


def lm_rows(lm: pd.DataFrame) -> list[dict]:
    """The LM frame's rows, plus one per (dataset, seed) for the n-gram counting they share."""
    if lm.empty:
        return []
    rows = [
        {
            "dataset": row.dataset,
            "task": "language model",
            "family": row.family,
            "seconds": row.own_seconds,
            "finished_at": row.finished_at,
            "provenance": row.provenance,
        }
        for row in lm.itertuples()
    ]
    counted = (
        lm.dropna(subset=["count_seconds"]).groupby(["dataset", "seed"])["count_seconds"].max()
    )
    rows += [
        {
            "dataset": dataset,
            "task": "language model",
            "family": "classic",
            "seconds": seconds,
            "finished_at": None,
            "provenance": None,
            "shared": True,
        }
        for (dataset, _), seconds in counted.items()
    ]
    return rows


def phase_rows(results: list[RunResult]) -> dict:
    """Where the classification runs' time went: each phase (``bench.phases``) summed over the
    runs that recorded phases, its hours and share; ``runs``: how many did."""
    from bench.phases import LABELS, sum_phases

    timed = [r.phases for r in results if r.phases]
    total = sum_phases(timed)
    seconds = sum(total.values())
    rows = [
        {
            "phase": LABELS[name],
            "hours": s / 3600,
            "percent": 100 * s / seconds if seconds else None,
        }
        for name, s in total.items()
    ]
    return {"runs": len(timed), "untimed": len(results) - len(timed), "rows": rows if timed else []}


def compute_tables(results: list[RunResult], lm: pd.DataFrame) -> dict:
    """``rows``: hours per dataset, task and family; ``total``; ``provenance``: runs per origin."""
    frame = pd.DataFrame(
        classification_rows(results) + lm_rows(lm),
        columns=["dataset", "task", "family", "seconds", "finished_at", "provenance", "shared"],
    )
    if frame.empty:
        return {"rows": [], "total": None, "provenance": [], "phases": phase_rows(results)}
    runs = frame[frame["shared"] != True]  # noqa: E712 (NaN for the runs, True for shared counting)
    per = (
        frame.groupby(["dataset", "task", "family"])
        .agg(seconds=("seconds", "sum"))
        .join(runs.groupby(["dataset", "task", "family"]).size().rename("runs"))
        .fillna({"runs": 0})
        .reset_index()
    )
    per["hours"] = per["seconds"] / 3600
    origins = (
        runs.groupby("provenance", dropna=False)
        .agg(
            runs=("task", "size"),
            hours=("seconds", lambda s: s.sum() / 3600),
            first=("finished_at", "min"),
            last=("finished_at", "max"),
        )
        .reset_index()
        .sort_values("first")
    )
    finished = runs["finished_at"].dropna()
    total = {
        "runs": int(len(runs)),
        "hours": float(frame["seconds"].sum() / 3600),
        "untimed": int(runs["seconds"].isna().sum()),
        "first": finished.min() if not finished.empty else None,
        "last": finished.max() if not finished.empty else None,
    }
    return {
        "rows": per.astype(object).where(per.notna(), None).to_dict("records"),
        "total": total,
        "provenance": origins.astype(object).where(origins.notna(), None).to_dict("records"),
        "phases": phase_rows(results),
    }
