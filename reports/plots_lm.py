"""Language-model plots: perplexity against n-gram order, and the neural LMs' learning curves."""

from __future__ import annotations

import math

import pandas as pd

from reports.figures import new_figure, plain_log_axis, sns, to_data_uri


def perplexity_by_order(lm: pd.DataFrame, dataset: str) -> str | None:
    """Perplexity against n-gram order per smoothing method; neural LMs as horizontal lines."""
    ngram = lm[lm["order"].notna()]
    neural = lm[lm["order"].isna()]
    if ngram.empty and neural.empty:
        return None
    fig, axes = new_figure(width=7, height=4.2)
    ax = axes[0, 0]
    if not ngram.empty:
        ngram = ngram.assign(
            order=ngram["order"].astype(int), smoothing=ngram["smoothing"].fillna("?")
        )
        sns.lineplot(data=ngram, x="order", y="perplexity", hue="smoothing", marker="o", ax=ax)
        ax.xaxis.get_major_locator().set_params(integer=True)
    palette = sns.color_palette("dark", max(len(neural), 1))
    for color, (_, row) in zip(palette, neural.iterrows()):
        ax.axhline(
            row["perplexity"],
            linestyle="--",
            color=color,
            linewidth=1.2,
            label=f"{row['model']} (neural) {row['perplexity']:.1f}",
        )
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set(
        xlabel="n-gram order",
        ylabel="test perplexity (log scale)",
        title=f"{dataset}: perplexity against n-gram order and smoothing",
    )
    ax.legend(fontsize=8)
    return to_data_uri(fig)


def neural_lm_curves(lm: pd.DataFrame, dataset: str) -> str | None:
    """Validation perplexity after each epoch against cumulative training minutes, one line per
    neural LM (its lowest seed), so a slower model's gain per minute shows; the n-gram models
    train in seconds and are left out, and so is a kNN-LM, whose history is its LM's. None without
    a neural LM that stored a history."""
    rows = []
    neural = lm[
        lm["order"].isna() & lm["history"].notna() & ~lm["model"].str.contains("knn", na=False)
    ]
    neural = neural.sort_values("seed").drop_duplicates("model").sort_values("model")
    for run in neural.itertuples():
        minutes = 0.0
        for rec in run.history:
            if not isinstance(rec, dict) or not isinstance(rec.get("val_loss"), (int, float)):
                continue
            minutes += float(rec.get("train_seconds") or rec.get("seconds") or 0.0) / 60
            rows.append(
                {"model": run.model, "minutes": minutes, "perplexity": math.exp(rec["val_loss"])}
            )
    if not rows:
        return None
    points = pd.DataFrame(rows)
    fig, axes = new_figure(width=7, height=4.2)
    ax = axes[0, 0]
    sns.lineplot(data=points, x="minutes", y="perplexity", hue="model", marker="o", ax=ax)
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set(
        xlabel="training minutes (cumulative, validation passes excluded)",
        ylabel="validation perplexity (log scale)",
        title=f"{dataset}: neural LMs, validation perplexity after each epoch",
    )
    ax.legend(fontsize=8)
    return to_data_uri(fig)
