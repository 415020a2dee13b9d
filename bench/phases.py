"""Where a run's and a grid's seconds go: a clock per run, a breakdown per grid.

A run (``bench.runner``) times its phases with a ``RunClock`` and stores them in its result's
``phases``: data loading (reading the dataset and slicing it), tokenization, model import
(importing the model's module, for a neural model TensorFlow and Keras, and constructing it),
fit, predict, saving (the fitted model), and ``other``: the rest of the run's wall time, so the
phases add up to it. The wall time of a run made by ``bench run`` (the grid's child processes)
starts when its process started, read from ``/proc/self/stat``, so ``other`` holds the
interpreter's start-up and the imports of the harness; it ends just before the result file is
written (the file holds the figures), so that write and the interpreter's exit fall in the grid's
time between runs. A run called from other Python code starts at the call.

``breakdown`` adds up the phases of the runs a grid made and sets them against the grid's wall
time, with the time between runs, the language-model task and the report as phases of their own;
when a profile's ``budget_minutes`` is exceeded it names the phase that took the most.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

#: A run's phases, in the order they happen; ``other`` is its wall time minus the rest.
RUN_PHASES = ("data", "tokenize", "model_import", "fit", "predict", "save", "other")
#: The phases a grid adds around its runs.
GRID_PHASES = ("between_runs", "lm_task", "report")
LABELS = {
    "data": "data loading",
    "tokenize": "tokenization",
    "model_import": "model import",
    "fit": "fit",
    "predict": "predict",
    "save": "saving",
    "other": "other (start-up, set-up)",
    "between_runs": "between runs",
    "lm_task": "LM task",
    "report": "report",
}

_early: dict[str, float] = {}  # phases timed in this process before its run's clock started
_clocks_started = 0


def process_age() -> float | None:
    """Seconds since this process started (Linux ``/proc``), ``None`` where that is unknown."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        # the command name (field 2) may hold spaces: count fields after its closing parenthesis
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _launched_as_bench() -> bool:
    """Whether this process is the ``bench`` command (``python -m bench`` or its script)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "bench.__main__" or Path(sys.argv[0]).name == "bench"


def note_early(phase: str, seconds: float) -> None:
    """Count ``seconds`` of ``phase`` spent before the run started its clock (the command line's
    parameter check imports the model class first); the run's clock adds them when it starts
    from the process's start."""
    _early[phase] = _early.get(phase, 0.0) + seconds


class RunClock:
    """Times one run's phases (``RUN_PHASES``); ``finish`` gives them, ``other`` the remainder.

    The first run of a ``bench`` process counts from the process's start (and the phases timed
    before it, ``note_early``); any other run from the clock's creation."""

    def __init__(self) -> None:
        global _clocks_started
        age = process_age() if _clocks_started == 0 and _launched_as_bench() else None
        _clocks_started += 1
        self.start = time.perf_counter() - (age or 0.0)
        self.seconds = dict.fromkeys(RUN_PHASES[:-1], 0.0)
        if age is not None:
            for phase, seconds in _early.items():
                self.seconds[phase] += seconds
        _early.clear()

    @contextmanager
    def phase(self, name: str):
        """Add the time the ``with`` block takes to phase ``name``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0

    def finish(self) -> dict[str, float]:
        """Every phase's seconds, ``other`` the wall time so far minus the timed phases."""
        wall = time.perf_counter() - self.start
        return {**self.seconds, "other": max(0.0, wall - sum(self.seconds.values()))}


def sum_phases(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each run phase's seconds summed over ``runs`` (their ``phases`` dicts)."""
    total = dict.fromkeys(RUN_PHASES, 0.0)
    for phases in runs:
        for name in RUN_PHASES:
            total[name] += float(phases.get(name) or 0.0)
    return total


def grid_phases(
    runs: list[dict[str, float]], *, grid_seconds: float, lm_seconds: float, report_seconds: float
) -> dict[str, float]:
    """The phases of a grid: its runs' phases summed, the time between them (the grid's wall time
    minus the runs' own), the LM task and the report."""
    total = sum_phases(runs)
    between = max(0.0, grid_seconds - sum(total.values()))
    return {**total, "between_runs": between, "lm_task": lm_seconds, "report": report_seconds}


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def over_budget(phases: dict[str, float], wall: float, budget_minutes: int | None) -> str | None:
    """One line if ``wall`` exceeds the budget, naming the phase that took the most; else None."""
    if budget_minutes is None or wall <= budget_minutes * 60:
        return None
    name = max(phases, key=lambda k: phases[k])
    return (
        f"over the profile's {budget_minutes}-minute budget by {_clock(wall - budget_minutes * 60)}"
        f"; {LABELS.get(name, name)} took the most: {_clock(phases[name])} "
        f"({phases[name] / wall:.0%} of the wall time)"
    )


def breakdown(
    phases: dict[str, float], wall: float, *, n_runs: int, budget_minutes: int | None = None
) -> str:
    """The table a grid ends with: each phase's time and share of ``wall``, then the budget line."""
    width = max(len(v) for v in LABELS.values())
    runs = f"{n_runs} run{'' if n_runs == 1 else 's'} made"
    lines = [f"where the time went ({runs}, wall time {_clock(wall)}):"]
    for name, seconds in phases.items():
        share = f"{seconds / wall:5.1%}" if wall > 0 else "    –"
        lines.append(f"  {LABELS.get(name, name):<{width}}  {seconds:9.1f}s  {share}")
    rest = wall - sum(phases.values())
    if rest > 0.05:  # before the grid: the command's start-up, planning, the checks of its folders
        share = f"{rest / wall:5.1%}"
        lines.append(f"  {'set-up before the grid':<{width}}  {rest:9.1f}s  {share}")
    elif rest < -0.05:  # runs made at the same time (--jobs, Ray): their phases overlap in time
        lines.append(
            "  (runs overlapped, several at once: their phases add up to more than the wall time)"
        )
    note = over_budget(phases, wall, budget_minutes)
    return "\n".join(lines + ([note] if note else []))


def command_wall(since: float) -> float:
    """A command's wall time: since its process started for the ``bench`` command, else since the
    ``time.perf_counter()`` reading ``since``."""
    age = process_age() if _launched_as_bench() else None
    return age if age is not None else time.perf_counter() - since


def grid_breakdown(
    done: list[Path],
    *,
    wall: float,
    grid_seconds: float,
    lm_seconds: float,
    report_seconds: float,
    budget_minutes: int | None,
) -> str:
    """``breakdown`` of a grid from the result files of the runs it made (``done``)."""
    from bench.results import InvalidResultError, load_run

    runs = []
    for path in done:
        try:
            runs.append(load_run(path).phases)
        except InvalidResultError:
            continue
    phases = grid_phases(
        runs, grid_seconds=grid_seconds, lm_seconds=lm_seconds, report_seconds=report_seconds
    )
    return breakdown(phases, wall, n_runs=len(runs), budget_minutes=budget_minutes)
