"""Fold the JSON that ``pytest --benchmark-only --benchmark-json=FILE`` writes into the report."""

from __future__ import annotations

import json
from pathlib import Path

from bench.errors import BenchError

DEFAULT_NAME = "benchmarks.json"  # picked up from the results folder when present


def load_benchmarks(path: Path) -> dict:
    """Benchmark groups from a pytest-benchmark JSON file: ``{"groups": [...], "machine": ...}``.

    A file that is not pytest-benchmark JSON ends in one clear error.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BenchError(f"cannot read benchmark file {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BenchError(
            f"{path} is not JSON; give the file `pytest --benchmark-only "
            "--benchmark-json=FILE` writes"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise BenchError(
            f"{path} has no 'benchmarks' list; give the file `pytest --benchmark-only "
            "--benchmark-json=FILE` writes"
        )
    groups: dict[str, list[dict]] = {}
    for b in doc["benchmarks"]:
        stats = b.get("stats") or {}
        extra = b.get("extra_info") or {}
        groups.setdefault(b.get("group") or "(no group)", []).append(
            {
                "name": b.get("name", "?"),
                "mean": stats.get("mean"),
                "stddev": stats.get("stddev"),
                "min": stats.get("min"),
                "rounds": stats.get("rounds"),
                "ops": stats.get("ops"),
                "extra": ", ".join(f"{k}={_short(v)}" for k, v in sorted(extra.items())),
            }
        )
    machine = doc.get("machine_info") or {}
    return {
        "groups": [{"name": k, "rows": v} for k, v in sorted(groups.items())],
        "datetime": doc.get("datetime", ""),
        "version": doc.get("version", ""),
        "machine": {
            k: _cpu_name(machine[k]) for k in ("node", "python_version", "cpu") if k in machine
        },
        "path": str(path),
    }


def _cpu_name(value):
    return value.get("brand_raw", "?") if isinstance(value, dict) else value


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:80]
    return str(value)[:80]
