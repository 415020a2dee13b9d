"""The language-modelling task of one dataset as a Ray task, with no shared file system.

The driver sends the dataset's LM records already stored (``<results>/lm/<dataset>__*.json``)
and the saved neural LMs (``<results>/lm/models/<run id>``) the task may read, as tar bytes up to
the executor's model limit; the task writes them into a scratch folder and runs ``bench lm`` on
that folder in a child (``run_lm_on_worker``), so what is stored is skipped exactly as in a local
run, and returns the records and model folders that are new or changed. A neural LM whose
record is stored is never fitted again, so its saved model is needed only as the base of a kNN
memory still to build, or when its record is missing (a run stopped while scoring it); one too
big to ship is then fitted again on the worker.

The driver checks everything a task returns before writing any of it (``store_lm_payload``):
every record must validate (``LMResult.from_dict``: types, run id = hash of its identity), be of
the dataset asked for and carry the file name its identity gives; every model must name its run
and dataset in its manifest. Anything else and nothing of that dataset is written.
"""

from __future__ import annotations

import dataclasses
import glob
import io
import json
import platform
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Callable

from bench.lm_results import LMResult
from bench.results import InvalidResultError, run_id

LM_DIR = "lm"
MODELS_DIR = "models"


def stored_lm_files(
    results_dir: Path, dataset: str, profile: str, model_limit: int
) -> tuple[dict[str, str], dict[str, bytes]]:
    """What a task resuming ``dataset``'s LM task of ``profile`` is sent: the stored records
    (file name -> text) and the saved neural LMs it may read (run id -> tar bytes, each under
    ``model_limit`` bytes): those without a stored record (a run stopped while scoring them) and
    the base LMs of kNN memories."""
    from bench.executors.ray_task import tar_folder
    from bench.lm_jobs import KNN_BASE

    lm_dir = results_dir / LM_DIR
    pattern = f"{glob.escape(dataset)}__*__{glob.escape(profile)}__*.json"
    records = {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(lm_dir.glob(pattern))
        if p.is_file() and not p.name.startswith(".")
    }
    stored_ids = {Path(name).stem.rpartition("__")[2] for name in records}
    models = {}
    for folder in sorted((lm_dir / MODELS_DIR).glob("[!.]*")):
        try:
            identity = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            identity = identity["identity"]
            ours = identity["dataset"] == dataset and identity["profile"] == profile
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a saved model (or a broken one: the task fits it again)
        if ours and (folder.name not in stored_ids or identity.get("model") == KNN_BASE):
            data = tar_folder(folder, model_limit)
            if data is not None:
                models[folder.name] = data
    return records, models


def run_lm_on_worker(
    dataset: str,
    command_for: Callable[..., list[str]],
    stored: dict[str, str],
    models: dict[str, bytes],
    env: dict[str, str],
    model_limit: int,
) -> dict:
    """Run ``command_for(dataset, results_dir=scratch)`` (``bench.orchestrate.lm_child_command``)
    here on a scratch folder holding ``stored`` and ``models``; ``{"returncode", "lines",
    "node", "seconds", "scratch", "records", "models", "kept"}``: the child's stderr lines, the
    records (name -> text) and models (run id -> tar bytes) it wrote, and the run ids of models
    too big to ship."""
    from bench.executors.ray_task import run_here, tar_folder

    with tempfile.TemporaryDirectory(prefix="bench-ray-lm-") as scratch:
        lm_dir = Path(scratch, LM_DIR)
        lm_dir.mkdir()
        for name, text in stored.items():
            (lm_dir / name).write_text(text, encoding="utf-8")
        for rid, data in models.items():
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(lm_dir / MODELS_DIR / rid, filter="data")
        t0 = time.perf_counter()
        returncode, lines = run_here(command_for(dataset, results_dir=Path(scratch)), env)
        seconds = time.perf_counter() - t0
        records = {}
        for path in sorted(lm_dir.glob("[!.]*.json")):
            text = path.read_text(encoding="utf-8")
            if stored.get(path.name) != text:
                records[path.name] = text
        shipped, kept = {}, []
        for folder in sorted((lm_dir / MODELS_DIR).glob("[!.]*")):
            if folder.is_dir() and folder.name not in models:
                data = tar_folder(folder, model_limit)
                if data is None:
                    kept.append(folder.name)
                else:
                    shipped[folder.name] = data
        return {
            "returncode": returncode,
            "lines": lines,
            "node": platform.node(),
            "seconds": seconds,
            "scratch": scratch,
            "records": records,
            "models": shipped,
            "kept": kept,
        }


def lm_file_name(identity: dict, rid: str) -> str:
    """The file name of an LM record with ``identity`` (as ``bench.lm_jobs.lm_jobs`` names it)."""
    order = identity.get("order") or 0
    return (
        f"{identity['dataset']}__{identity['model']}__o{order}__{identity['profile']}__{rid}.json"
    )


def check_lm_record(name: str, text: str, dataset: str) -> LMResult:
    """The LM record a task returned as ``name``, if it validates, is of ``dataset`` and has the
    file name its identity gives; ``InvalidResultError`` otherwise."""
    try:
        result = LMResult.from_dict(json.loads(text))
    except (ValueError, TypeError) as exc:
        if isinstance(exc, InvalidResultError):
            raise InvalidResultError(f"{name}: {exc}") from None
        raise InvalidResultError(f"{name}: not a JSON record ({exc})") from None
    identity = result.identity or {}
    if identity.get("dataset") != dataset:
        raise InvalidResultError(
            f"{name}: a record of {identity.get('dataset')!r}, not {dataset!r}"
        )
    try:
        expected = lm_file_name(identity, result.run_id)
    except KeyError as exc:
        raise InvalidResultError(f"{name}: its identity has no {exc}") from None
    if name != expected:
        raise InvalidResultError(f"{name}: its identity names it {expected}")
    return result


def check_lm_model(rid: str, data: bytes, dataset: str) -> None:
    """``InvalidResultError`` unless the model tar's manifest is that of run ``rid`` of
    ``dataset``."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile("./manifest.json")
            manifest = json.loads(member.read()) if member else {}
    except (tarfile.TarError, KeyError, ValueError) as exc:
        raise InvalidResultError(f"model {rid}: no readable manifest ({exc})") from None
    identity = manifest.get("identity") if isinstance(manifest, dict) else None
    if not isinstance(identity, dict) or run_id(identity) != rid or manifest.get("run_id") != rid:
        raise InvalidResultError(f"model {rid}: its manifest is not that run's")
    if identity.get("dataset") != dataset:
        raise InvalidResultError(f"model {rid}: a model of {identity.get('dataset')!r}")


def store_lm_payload(payload: dict, dataset: str, results_dir: Path) -> list[Path]:
    """Write what ``run_lm_on_worker`` returned for ``dataset`` where a local run writes it: the
    models (unpacked atomically), then the records (``write_json_atomic``), each record's restored
    model folder pointed at this machine's copy. Everything is checked first:
    ``InvalidResultError`` and nothing written if anything fails. Returns the records written."""
    from bench.executors.ray_task import unpack_model
    from bench.storage import write_json_atomic

    records = {n: check_lm_record(n, t, dataset) for n, t in payload.get("records", {}).items()}
    models = payload.get("models", {})
    for rid, data in models.items():
        check_lm_model(rid, data, dataset)
    lm_dir = results_dir / LM_DIR
    for rid, data in models.items():
        unpack_model(data, lm_dir / MODELS_DIR / rid)
    written = []
    for name, result in records.items():
        restored = result.restored_model
        scratch = payload.get("scratch")
        if restored and scratch and Path(str(restored.get("folder"))).is_relative_to(scratch):
            where = results_dir / Path(restored["folder"]).relative_to(scratch)
            result = dataclasses.replace(result, restored_model={**restored, "folder": str(where)})
        write_json_atomic(lm_dir / name, result.to_dict())
        written.append(lm_dir / name)
    return written


def collect_lm(ray, ref, dataset: str, results_dir: Path, label: str):
    """Store what an LM task returned, echoing its child's lines; ``(exit code, last line)``
    (1 and the reason when the task failed or its results were refused)."""
    from bench.executors.children import stopped_by_user

    try:
        payload = ray.get(ref)
    except ray.exceptions.RayError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"{label}: Ray task failed", file=sys.stderr, flush=True)
        return 1, f"Ray task failed: {reason}"
    for line in payload["lines"]:
        print(f"    {line}", file=sys.stderr)
    try:
        written = store_lm_payload(payload, dataset, results_dir)
    except InvalidResultError as exc:
        print(f"{label}: refused what {payload['node']} returned", file=sys.stderr, flush=True)
        return 1, f"the worker's results, refused: {exc}"
    kept = f", {len(payload['kept'])} model(s) too big to ship" if payload["kept"] else ""
    print(
        f"{label}: {len(written)} result(s) written, on {payload['node']} in "
        f"{payload['seconds']:.1f}s{kept}",
        file=sys.stderr,
        flush=True,
    )
    code = payload["returncode"]
    last = payload["lines"][-1].strip() if payload["lines"] else f"exit code {code}"
    if code == 0:
        return 0, ""
    return (1 if stopped_by_user(code) else code), last  # a worker's signal, not the user's


__all__ = [
    "collect_lm",
    "check_lm_model",
    "check_lm_record",
    "lm_file_name",
    "run_lm_on_worker",
    "store_lm_payload",
    "stored_lm_files",
]
