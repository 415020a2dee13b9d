"""The per-dataset plots: accuracy against training time, training curves, confusion matrices.

Each function takes tables or results of one dataset and returns a ``data:`` URI (or ``None``
when there is nothing to draw).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.results import RunResult
from reports.advice import pareto_front
from reports.figures import FAMILY_PALETTE, new_figure, sns, to_data_uri

MAX_CONFUSION_PANELS = 8


def config_label(model: str, tokenizer: str, several_tokenizers: bool) -> str:
    return f"{model} ({tokenizer})" if several_tokenizers else model


def accuracy_vs_time(table: pd.DataFrame, dataset: str) -> str | None:
    """Mean accuracy against mean fit seconds (log scale), by family, with the Pareto front."""
    table = table.dropna(subset=["accuracy", "fit_seconds"])
    table = table[table["fit_seconds"] > 0]
    if table.empty:
        return None
    several = table["tokenizer"].nunique() > 1
    fig, axes = new_figure(width=7, height=4.2)
    ax = axes[0, 0]
    sns.scatterplot(
        data=table,
        x="fit_seconds",
        y="accuracy",
        hue="family",
        palette=FAMILY_PALETTE,
        s=70,
        ax=ax,
        zorder=3,
    )
    std = table["accuracy_std"].fillna(0) if "accuracy_std" in table else 0
    ax.errorbar(
        table["fit_seconds"], table["accuracy"], yerr=std, fmt="none", ecolor="#888", zorder=2
    )
    front = pareto_front(table)
    ax.step(
        front["fit_seconds"],
        front["accuracy"],
        where="post",
        color="#555",
        linestyle="--",
        linewidth=1,
        label="Pareto front",
        zorder=1,
    )
    for _, row in table.iterrows():
        ax.annotate(
            config_label(row["model"], row["tokenizer"], several),
            (row["fit_seconds"], row["accuracy"]),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=8,
        )
    ax.set_xscale("log")
    # room for the labels right of the points and for the legend below them
    ax.set_xlim(table["fit_seconds"].min() / 1.6, table["fit_seconds"].max() * 3)
    low, high = table["accuracy"].min(), table["accuracy"].max()
    pad = max(high - low, 0.02)
    ax.set_ylim(low - 0.35 * pad, high + 0.15 * pad)
    ax.set(
        xlabel="training (fit) time, seconds, log scale",
        ylabel="test accuracy",
        title=f"{dataset}: accuracy against training time",
    )
    ax.legend(loc="best", fontsize=8)
    return to_data_uri(fig)


def _history_frame(runs: list[RunResult]) -> pd.DataFrame:
    rows = []
    for r in runs:
        label = f"{r.model} ({r.tokenizer.get('name', '?')})"
        for rec in r.history:
            epoch = rec.get("epoch")
            for metric in ("loss", "accuracy"):
                for split, key in (("train", metric), ("validation", f"val_{metric}")):
                    if epoch is not None and isinstance(rec.get(key), (int, float)):
                        rows.append(
                            {
                                "model": label,
                                "epoch": epoch,
                                "metric": metric,
                                "split": split,
                                "value": rec[key],
                            }
                        )
    return pd.DataFrame(rows)


def training_curves(runs: list[RunResult], dataset: str) -> str | None:
    """Per-epoch loss and accuracy (train solid, validation dashed) of each model's first seed."""
    first: dict[tuple, RunResult] = {}
    for r in sorted(runs, key=lambda r: r.seed):
        if r.history and r.max_train is None:
            first.setdefault((r.model, r.tokenizer.get("name")), r)
    frame = _history_frame(list(first.values()))
    if frame.empty:
        return None
    fig, axes = new_figure(ncols=2, width=5.5, height=3.8)
    for ax, metric in zip(axes[0], ("loss", "accuracy")):
        part = frame[frame["metric"] == metric]
        sns.lineplot(
            data=part,
            x="epoch",
            y="value",
            hue="model",
            style="split",
            markers=True,
            dashes={"train": "", "validation": (4, 2)},
            ax=ax,
        )
        ax.set(title=f"{dataset}: {metric} per epoch", ylabel=metric)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7)
    return to_data_uri(fig)


def confusion_matrices(runs: list[RunResult], dataset: str) -> str | None:
    """Row-normalised confusion matrices (rows: true class) of the most accurate configurations."""
    first: dict[tuple, RunResult] = {}
    for r in sorted(runs, key=lambda r: r.seed):
        if r.confusion_matrix and r.max_train is None:
            first.setdefault((r.model, r.tokenizer.get("name")), r)
    chosen = sorted(first.values(), key=lambda r: -r.accuracy)[:MAX_CONFUSION_PANELS]
    if not chosen:
        return None
    several = len({r.tokenizer.get("name") for r in chosen}) > 1
    n_classes = len(chosen[0].confusion_matrix)
    cols = min(4, len(chosen))
    rows = (len(chosen) + cols - 1) // cols
    size = 3.0 if n_classes <= 8 else 4.0
    fig, axes = new_figure(ncols=cols, nrows=rows, width=size + 0.4, height=size)
    names = [str(c)[:12] for c in chosen[0].classes] if n_classes <= 10 else False
    for ax, r in zip(axes.flat, chosen):
        cm = np.asarray(r.confusion_matrix, dtype=float)
        norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        sns.heatmap(
            norm,
            vmin=0,
            vmax=1,
            cmap="Blues",
            cbar=False,
            square=True,
            ax=ax,
            annot=n_classes <= 6,
            fmt=".2f",
            xticklabels=names,
            yticklabels=names,
            annot_kws={"fontsize": 8},
        )
        ax.set_title(
            f"{config_label(r.model, r.tokenizer.get('name', '?'), several)}\n"
            f"accuracy {r.accuracy:.3f}",
            fontsize=9,
        )
        ax.set(xlabel="predicted", ylabel="true")
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(chosen) :]:
        ax.axis("off")
    return to_data_uri(fig)
