"""Fitted models on disk: ``<results>/models/<run id>/`` holds a model and its manifest (dataset,
classes, tokenizer...), saved atomically and read back by ``bench predict``.

A save writes into a hidden sibling folder (``.<run id>.*``) and renames it into place, so a
reader never sees half a model. Saves of one run id take turns (``locks.model_save_lock``); the
one that saves removes what a killed save left behind, and a model saved meanwhile by a process
not taking turns is replaced, not a crash. Readers never look into hidden folders, and a folder
that cannot be read is an ``UnreadableModelError`` naming it, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from bench.errors import BenchError
from bench.locks import model_save_lock, remove_stale_model_folders
from bench.storage import write_json_atomic

#: what ``latest_model`` needs from a manifest to match it to a configuration
MATCH_KEYS = ("dataset", "model", "profile", "tokenizer", "seed", "saved_at")


class UnreadableModelError(BenchError, ValueError):
    """A saved model folder cannot be read (truncated file, manifest not JSON or missing keys).
    One line naming the folder; a ``ValueError`` so callers that refit on a bad folder still
    catch it."""

    def __init__(self, folder: Path, why: str, redo: str | None = None):
        self.folder, self.why = folder, why
        redo = redo or "the `python -m bench run ...` that made it"
        super().__init__(
            f"the saved model in {folder} cannot be read ({why}); delete that folder or make it "
            f"again with: {redo}"
        )


def save_model(model, directory: Path, manifest: dict) -> int:
    """Save a fitted model and its manifest into ``directory`` atomically: written into a hidden
    temporary sibling folder, then renamed. Returns its size in bytes.

    Models with ``save(dir)`` save themselves (the Keras ones: architecture, weights, vocabulary);
    the others are pickled.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    with model_save_lock(directory.parent, directory.name):
        # what a killed save of this run left behind; nobody else is saving it now
        remove_stale_model_folders(directory.parent, directory.name, locked=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
        try:
            fmt = _write_model(model, tmp)
            saved_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
            write_json_atomic(
                tmp / "manifest.json", {**manifest, "format": fmt, "saved_at": saved_at}
            )
            size = sum(f.stat().st_size for f in tmp.rglob("*") if f.is_file())
            os.chmod(tmp, 0o755)  # mkdtemp creates it private; saved models are for all to read
            _move_into_place(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return size


def _write_model(model, folder: Path) -> str:
    if hasattr(model, "save"):
        model.save(folder)
        return "save"
    with open(folder / "model.pkl", "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return "pickle"


def _move_into_place(tmp: Path, directory: Path, attempts: int = 10) -> None:
    """Rename ``tmp`` to ``directory``. A folder already there (an older save of the run, or one
    another process renamed in meanwhile) is first renamed aside into a hidden folder, which is
    then removed: the newest save wins and no reader sees a missing or half model for longer
    than between two renames."""
    aside = None
    try:
        for _ in range(attempts):
            try:
                os.replace(tmp, directory)
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
            aside = aside or Path(
                tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.old-")
            )
            try:
                os.replace(directory, aside / str(len(list(aside.iterdir()))))
            except FileNotFoundError:  # another process moved it first: try again
                pass
        raise OSError(errno.ENOTEMPTY, "other processes keep saving the same model", directory)
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def _read_manifest(folder: Path) -> dict:
    """The manifest of the model in ``folder``; ``UnreadableModelError`` if it is not a JSON
    object."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnreadableModelError(folder, "manifest.json is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableModelError(folder, f"manifest.json is not readable JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise UnreadableModelError(folder, "manifest.json is not a JSON object")
    return manifest


def require_keys(folder: Path, manifest: dict, keys) -> None:
    """``UnreadableModelError`` unless ``manifest`` (of ``folder``) has each of ``keys``."""
    missing = [k for k in keys if k not in manifest]
    if missing:
        raise UnreadableModelError(folder, f"manifest.json lacks {', '.join(missing)}")


def load_model(directory: Path):
    """The fitted model saved in ``directory`` and its manifest; ``UnreadableModelError`` (one
    line naming the folder) when either cannot be read."""
    from core.registry import load_object

    manifest = _read_manifest(directory)
    require_keys(directory, manifest, ("format",))
    if manifest["format"] != "pickle":
        require_keys(directory, manifest, ("target",))
    try:
        if manifest["format"] == "pickle":
            with open(directory / "model.pkl", "rb") as fh:
                return pickle.load(fh), manifest
        return load_object(manifest["target"]).load(directory), manifest
    except Exception as exc:  # a truncated or foreign file fails in many ways, none of them ours
        what = "model.pkl" if manifest["format"] == "pickle" else "the model files"
        why = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnreadableModelError(directory, f"{what}: {why}") from None


def latest_model(
    results_dir: Path,
    dataset: str,
    model: str,
    profile: str,
    *,
    tokenizer: str | None = None,
    seed: int | None = None,
) -> Path | None:
    """The folder of the most recently saved model of that configuration, if any. Hidden folders
    (saves in progress or killed) are never considered. ``UnreadableModelError`` for a folder
    whose manifest cannot be read and so might be that configuration's."""
    found = []
    for path in sorted((results_dir / "models").glob("*/manifest.json")):
        if path.parent.name.startswith("."):
            continue
        m = _read_manifest(path.parent)
        if (m.get("dataset"), m.get("model"), m.get("profile")) != (dataset, model, profile):
            continue
        require_keys(path.parent, m, MATCH_KEYS)
        if not isinstance(m["tokenizer"], dict) or "name" not in m["tokenizer"]:
            raise UnreadableModelError(path.parent, "manifest.json has no tokenizer name")
        if tokenizer in (None, m["tokenizer"]["name"]) and seed in (None, m["seed"]):
            found.append((str(m["saved_at"]), path.parent))
    return max(found)[1] if found else None
