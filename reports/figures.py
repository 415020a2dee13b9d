"""Matplotlib figures as inline ``data:`` URIs, so the report is one self-contained file.

Matplotlib is switched to its Agg backend before pyplot is imported: no display is needed and
no GUI toolkit is loaded.
"""

from __future__ import annotations

import base64
import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

DPI = 80
# plugin: models of your own (docs/your-model.md)
FAMILY_PALETTE = {"classic": "#d95f02", "neural": "#1b9e77", "plugin": "#7570b3"}

sns.set_theme(style="whitegrid", context="notebook", font_scale=0.9)


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.0, height: float = 4.0, **kw):
    """A figure of ``nrows`` x ``ncols`` panels, each ``width`` x ``height`` inches."""
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kw)


def plain_log_axis(axis) -> None:
    """Label a log-scaled axis with plain numbers (80, 100, 200) instead of powers of ten."""
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(ScalarFormatter())
    axis.set_minor_formatter(NullFormatter())


def to_data_uri(fig) -> str:
    """The figure as a base64 PNG ``data:`` URI; the figure is closed."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs (e.g. Hangul class names) are not errors
        fig.tight_layout()
        fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
