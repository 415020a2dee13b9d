"""Render the HTML report from stored results: ``render_report(results_dir) -> path``.

The page is self-contained (inline CSS, no network) and every string from the data is
HTML-escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import jinja2

from bench.errors import BenchError
from bench.results import load_results
from reports.tables import runs_frame, summary_frame

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


def _fmt_num(value, digits: int = 4) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}"


_ENV.filters["num"] = _fmt_num
_ENV.filters["thousands"] = lambda v: "–" if v is None or v != v else f"{v:,.0f}"


def render_report(results_dir: Path, *, profile: str | None = None) -> Path:
    """Write ``results_dir/report/index.html`` from the runs stored there and return its path."""
    results = load_results(results_dir)
    if profile:
        results = [r for r in results if r.profile == profile]
    if not results:
        raise BenchError(f"no results{' for profile ' + repr(profile) if profile else ''} in "
                         f"{results_dir / 'runs'}; run `python -m bench all` first")
    runs = runs_frame(results)
    summary = summary_frame(runs)
    latest = max(results, key=lambda r: r.finished_at)
    datasets = []
    for name, table in summary.groupby("dataset", sort=True):
        any_run = next(r for r in results if r.dataset == name)
        datasets.append({"name": name, "language": any_run.language, "classes": any_run.classes,
                         "rows": table.to_dict("records")})
    html = _ENV.get_template("report.html.j2").render(
        datasets=datasets,
        caps_notes=sorted({r.caps_note for r in results if r.caps_note}),
        profiles=sorted({r.profile for r in results}),
        versions=latest.versions, machine=latest.machine, n_runs=len(results),
        generated=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    )
    out = results_dir / "report" / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".index.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(html)
    os.replace(tmp, out)
    return out
