"""Plots across sizes and settings: data efficiency, scaling, Korean analyzers."""

from __future__ import annotations

import pandas as pd

from reports.figures import new_figure, sns, to_data_uri


def _label(frame: pd.DataFrame) -> pd.Series:
    if frame["tokenizer"].nunique() > 1:
        return frame["model"] + " (" + frame["tokenizer"] + ")"
    return frame["model"]


def data_efficiency(points: pd.DataFrame, dataset: str) -> str | None:
    """Test accuracy against training-set size (log scale), one line per model, ± std bars."""
    if points.empty:
        return None
    points = points.assign(label=_label(points)).sort_values("train_size")
    fig, axes = new_figure(width=7, height=4.2)
    ax = axes[0, 0]
    sns.lineplot(
        data=points,
        x="train_size",
        y="accuracy",
        hue="label",
        style="family",
        markers=True,
        dashes=False,
        ax=ax,
    )
    for _, grp in points.groupby("label"):
        ax.errorbar(
            grp["train_size"],
            grp["accuracy"],
            yerr=grp["accuracy_std"].fillna(0),
            fmt="none",
            ecolor="#999",
            capsize=2,
        )
    ax.set_xscale("log")
    ax.set(
        xlabel="training documents (log scale)",
        ylabel="test accuracy",
        title=f"{dataset}: accuracy against training-set size",
    )
    ax.legend(fontsize=8)
    return to_data_uri(fig)


def scaling(points: pd.DataFrame, dataset: str) -> str | None:
    """Fit seconds (log-log) and memory against training-set size, one line per model. Memory is
    what fitting needed above the loaded data where runs measured it, else the process peak."""
    if points.empty:
        return None
    points = points.assign(label=_label(points)).sort_values("train_size")
    measured = "fit_memory_mb" in points and points["fit_memory_mb"].notna().all()
    memory = (
        ("fit_memory_mb", "memory used by fitting, MiB")
        if measured
        else ("peak_rss_mb", "peak memory, MiB")
    )
    fig, axes = new_figure(ncols=2, width=5.5, height=3.8)
    for ax, column, ylabel, logy in (
        (axes[0, 0], "fit_seconds", "fit seconds (log scale)", True),
        (axes[0, 1], *memory, False),
    ):
        sns.lineplot(
            data=points,
            x="train_size",
            y=column,
            hue="label",
            style="family",
            markers=True,
            dashes=False,
            ax=ax,
        )
        ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set(
            xlabel="training documents (log scale)",
            ylabel=ylabel,
            title=f"{dataset}: {ylabel.split(',')[0]}",
        )
        ax.legend(fontsize=8)
    return to_data_uri(fig)


def analyzer_speed_vs_accuracy(table: pd.DataFrame, dataset: str) -> str | None:
    """Accuracy of one model per Korean analyzer against the analyzer's documents per second."""
    table = table.dropna(subset=["tokenize_docs_per_s", "accuracy"])
    if table["tokenizer"].nunique() < 2:
        return None
    fig, axes = new_figure(width=6.5, height=4)
    ax = axes[0, 0]
    sns.scatterplot(
        data=table,
        x="tokenize_docs_per_s",
        y="accuracy",
        hue="tokenizer",
        s=80,
        ax=ax,
        legend=False,
    )
    for _, row in table.iterrows():
        ax.annotate(
            f"{row['tokenizer']} ({row['model']})",
            (row["tokenize_docs_per_s"], row["accuracy"]),
            textcoords="offset points",
            xytext=(5, 4),
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_xlim(table["tokenize_docs_per_s"].min() / 2, table["tokenize_docs_per_s"].max() * 4)
    ax.set(
        xlabel="tokenization, documents per second (log scale)",
        ylabel="test accuracy",
        title=f"{dataset}: analyzer speed against accuracy",
    )
    return to_data_uri(fig)
