"""Plots of the data itself: how long the documents of each dataset are."""

from __future__ import annotations

import numpy as np

from reports.figures import new_figure, sns, to_data_uri

PANELS_PER_ROW = 3


def length_distributions(descriptions: list[dict]) -> str | None:
    """Tokens per document of each dataset, train against test, as shares of each split's
    documents (the splits differ in size); one panel per dataset, from the histograms that
    ``bench.describe`` stores. Documents beyond the last bin are noted in the panel's title."""
    if not descriptions:
        return None
    ncols = min(PANELS_PER_ROW, len(descriptions))
    nrows = -(-len(descriptions) // ncols)
    fig, axes = new_figure(ncols, nrows, width=4.2, height=3.0)
    for ax in axes.flat[len(descriptions) :]:
        ax.set_visible(False)
    for ax, doc in zip(axes.flat, descriptions):
        hist = doc["tokens"]["histogram"]
        edges = np.asarray(hist["edges"])
        for split, colour in zip(("train", "test"), sns.color_palette(n_colors=2)):
            counts = np.asarray(hist[split], dtype=float)
            total = counts.sum() + hist[f"{split}_above"]
            # already binned by bench.describe: drawn as steps rather than re-binned by seaborn
            ax.stairs(counts / total if total else counts, edges, color=colour, label=split)
        ax.legend(fontsize=8)
        above = hist["train_above"] + hist["test_above"]
        tail = f" ({above:,} longer docs not shown)" if above else ""
        ax.set(
            xlabel=f"tokens per document ({doc['tokenizer']['name']})",
            ylabel="share of the split's documents",
        )
        ax.set_title(f"{doc['dataset']}{tail}", fontsize=9)
    return to_data_uri(fig)
