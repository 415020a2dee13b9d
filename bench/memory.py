"""How much memory one phase of a run needs: the peak resident size above where it started.

A process's peak RSS (``getrusage``) also counts everything loaded before the phase, such as the
whole raw crawl a scaling run slices from, which hides how a model's own memory grows with data.
On Linux the peak can be reset (``echo 5 > /proc/self/clear_refs``, kernel 4.0+), so ``PeakWatch``
resets it when a phase starts and reads it (``VmHWM``) when it ends. Elsewhere the phase figure is
``None``. Resetting also lowers what ``getrusage`` reports afterwards, so the watch remembers the
peak from before and ``process_peak_mb`` gives the whole process's true peak.
"""

from __future__ import annotations

from pathlib import Path

from bench import sysinfo

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(key: str) -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0  # kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


class PeakWatch:
    """``with PeakWatch() as w: ...`` then ``w.extra_mb``: peak RSS inside the block minus RSS at
    its start, in MiB (``None`` where the peak cannot be reset)."""

    def __enter__(self) -> "PeakWatch":
        self.peak_before_mb = sysinfo.peak_rss_mb()
        self.start_mb = _status_mb("VmRSS")
        self.active = self.start_mb is not None and _reset_peak()
        self.extra_mb: float | None = None
        return self

    def __exit__(self, *exc) -> None:
        peak = _status_mb("VmHWM") if self.active else None
        if peak is not None and self.start_mb is not None:
            self.extra_mb = max(peak - self.start_mb, 0.0)

    def process_peak_mb(self) -> float:
        """Peak RSS of the whole process so far, the part before the reset included."""
        return max(self.peak_before_mb, sysinfo.peak_rss_mb())
