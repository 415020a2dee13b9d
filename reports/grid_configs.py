"""The report's "Grid configuration" block: the latest resolved grids of a profile.

``bench all`` (and ``bench.run_grid``) store what each grid ran with, after the command line, the
grid file and the profile's defaults, under ``<results>/grids/`` (``bench.grid_config``). This
module reads those records, as the rest of the report reads result files: a record that cannot be
read is named in a warning on stderr and left out, never shown half-read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: how many of a profile's grids the block lists, most recent first
SHOWN = 5

_KEYS = ("stored_at", "profile", "datasets", "models", "seeds", "tokenizers", "params", "runs")


def _read(path: Path) -> dict | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"warning: left out grid record {path.name} ({exc})", file=sys.stderr)
        return None
    if not isinstance(doc, dict) or not all(k in doc for k in _KEYS):
        print(f"warning: left out grid record {path.name} (not a grid record)", file=sys.stderr)
        return None
    return doc


def latest_grids(results_dir: Path, profile: str, limit: int = SHOWN) -> list[dict]:
    """The ``limit`` most recently stored resolved grids of ``profile``, newest first, each with
    its lists joined for display."""
    folder = results_dir / "grids"
    docs = [d for d in map(_read, sorted(folder.glob("*.json"))) if d is not None]
    docs = [d for d in docs if d["profile"] == profile]
    docs.sort(key=lambda d: str(d["stored_at"]), reverse=True)
    return [_display(d) for d in docs[:limit]]


def _display(doc: dict) -> dict:
    tokenizers = doc.get("tokenizers") or {}
    params = doc.get("params") or {}
    return {
        "stored_at": doc["stored_at"],
        "config_file": doc.get("config_file"),
        "datasets": ", ".join(map(str, doc["datasets"])),
        "models": ", ".join(map(str, doc["models"])),
        "seeds": ", ".join(map(str, doc["seeds"])),
        "tokenizers": "; ".join(
            f"{lang}: {', '.join(map(str, t))}" for lang, t in tokenizers.items()
        ),
        "params": "; ".join(
            f"{model}: " + ", ".join(f"{k}={json.dumps(v)}" for k, v in p.items())
            for model, p in params.items()
        ),
        "max_train": doc.get("max_train"),
        "lm": doc.get("lm"),
        "shard": doc.get("shard"),
        "datasets_file": doc.get("datasets_file"),
        "runs": doc["runs"],
        "digest": doc.get("digest"),
    }
