"""Render the HTML report from stored results: ``render_report(results_dir) -> path``.

One page per profile (``report/<profile>.html``) and ``report/index.html``, a copy of the page of
the profile just run (or of the most recent one). Pages are self-contained: inline CSS and
JavaScript, plots as inline PNG ``data:`` URIs, nothing fetched from the network. Every string
from the data is HTML-escaped by Jinja2's autoescaping. Never imports a model or TensorFlow.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import jinja2

from bench.errors import BenchError
from bench.storage import check_writable, unwritable, write_text_atomic
from reports.benchmarks import DEFAULT_NAME, load_benchmarks
from reports.grid_configs import latest_grids
from reports.language_models import load_lm_scale
from reports.sections import page_context
from reports.superseded import load_report_inputs

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
)


def _fmt_num(value, digits: int = 4) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}"


def _fmt_seconds(value) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:.3g}" if value < 10 else f"{value:,.0f}"


_ENV.filters["num"] = _fmt_num
_ENV.filters["secs"] = _fmt_seconds
_ENV.filters["thousands"] = lambda v: "–" if v is None or v != v else f"{v:,.0f}"
_ENV.filters["mib"] = lambda v: "–" if v is None or v != v else f"{v / 2**20:,.1f}"
_ENV.filters["sortkey"] = lambda v: "" if v is None or v != v else v


def page_name(profile: str) -> str:
    """The file name of a profile's page (profile names come from result files: made safe)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", profile) + ".html"


def _benchmarks(results_dir: Path, path: str | Path | None) -> dict | None:
    stored = results_dir / DEFAULT_NAME
    if path is not None:
        data = load_benchmarks(Path(path))  # an unreadable file given explicitly is an error
        if Path(path).resolve() != stored.resolve():
            try:
                shutil.copyfile(path, stored)  # later renders (bench all) keep showing it
            except OSError as exc:
                raise unwritable(stored, exc) from exc
        return data
    if stored.is_file():
        try:
            return load_benchmarks(stored)
        except BenchError as exc:
            print(f"warning: {exc}; benchmark section left out", file=sys.stderr)
    return None


def render_report(
    results_dir: Path,
    *,
    profile: str | None = None,
    benchmarks: str | Path | None = None,
    reference=None,
) -> Path:
    """Write one page per profile and ``results_dir/report/index.html``; return the index path.

    ``profile`` picks the page that becomes ``index.html`` (default: the most recent run's);
    ``benchmarks`` is a pytest-benchmark JSON file to fold in (default:
    ``results_dir/benchmarks.json``); ``reference`` a ``reports.reference.Comparison`` shown
    as "Your runs beside the reference". Each result file left out is named on stderr and in the
    page's note. A results folder that cannot be written fails in one line before any rendering.
    """
    if results_dir.exists():  # a regular file in its place is named as such, not "no results"
        check_writable(results_dir, ())
    results, lm, note, invalid = load_report_inputs(results_dir)
    for problem in invalid:
        print(f"warning: left out {problem}", file=sys.stderr)
    if not results:
        raise BenchError(f"no results in {results_dir / 'runs'}; run `python -m bench all` first")
    check_writable(results_dir, ("report",))
    profiles = sorted({r.profile for r in results})
    if profile is None:
        profile = max(results, key=lambda r: r.finished_at).profile
    elif profile not in profiles:
        raise BenchError(
            f"no results for profile {profile!r} in {results_dir / 'runs'} (there are: "
            f"{', '.join(profiles)}); run `python -m bench all --profile {profile}` first"
        )
    bench_data = _benchmarks(results_dir, benchmarks)
    lm_scale = load_lm_scale(results_dir)
    generated = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    template = _ENV.get_template("report.html.j2")
    out_dir = results_dir / "report"
    index = out_dir / "index.html"
    for p in profiles:
        context = page_context(
            [r for r in results if r.profile == p],
            lm[lm["profile"] == p],
            p,
            lm_scale[lm_scale["profile"] == p],
        )
        nav = [{"name": q, "href": page_name(q), "current": q == p} for q in profiles]
        html = template.render(
            **context,
            nav=nav,
            benchmarks=bench_data,
            generated=generated,
            superseded_note=note,
            grid_configs=latest_grids(results_dir, p),
            reference=reference.for_profile(p) if reference is not None else None,
        )
        write_text_atomic(out_dir / page_name(p), html)
        if p == profile:
            write_text_atomic(index, html)
    return index
