"""Where the datasets of users' own files are declared, remembered and found by name.

Three places, looked up in this order after the registered datasets:

1. files given on this command line (``--dataset reviews.csv --text-column ...``);
2. the datasets file: ``$BENCH_DATASETS_FILE`` (``--datasets-file`` sets it, so grid children
   inherit it), else ``datasets.toml`` in the data home when there is one. A team shares its
   corpora there, one ``[datasets.NAME]`` table each (keys: ``FileSource``'s fields; a relative
   ``path`` is relative to the TOML file);
3. the datasets used with a results folder, remembered in its ``datasets.json``, so that after
   ``bench run --dataset reviews.csv`` the name ``reviews`` works in ``bench all``, ``predict``,
   ``report`` and a grid's child processes, and ``bench list`` shows it.
"""

from __future__ import annotations

import fcntl
import json
import os
import tomllib
from pathlib import Path

from bench.datasets.user_files import FileSource, is_data_file, name_for
from bench.errors import BenchError

DATASETS_FILE_ENV = "BENCH_DATASETS_FILE"
USED_FILE = "datasets.json"

_on_command_line: dict[str, FileSource] = {}
_results_dir: Path | None = None


def use_results_dir(path: Path | None) -> None:
    """Start a command: the results folder whose remembered datasets it sees (default: the
    results home), and no data files from an earlier command of this process."""
    global _results_dir
    _results_dir = path
    _on_command_line.clear()


def _results() -> Path:
    from bench.results import results_home

    return _results_dir or results_home()


def datasets_file() -> Path | None:
    """The datasets file in force: ``$BENCH_DATASETS_FILE``, else the data home's, if any."""
    env = os.environ.get(DATASETS_FILE_ENV)
    if env:
        path = Path(env).expanduser().resolve()
        if not path.is_file():
            raise BenchError(f"datasets file {path} ({DATASETS_FILE_ENV}) does not exist")
        return path
    from bench.datahome import data_home

    path = data_home() / "datasets.toml"
    return path if path.is_file() else None


def declared() -> dict[str, FileSource]:
    """The datasets of the datasets file, by name (empty without one)."""
    path = datasets_file()
    if path is None:
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BenchError(f"cannot read datasets file {path}: {exc}") from None
    unknown = sorted(set(doc) - {"datasets"})
    tables = doc.get("datasets", {})
    if unknown or not isinstance(tables, dict):
        raise BenchError(f"{path}: expected only [datasets.NAME] tables, found {unknown}")
    out = {}
    for name, table in tables.items():
        where = f"{path} [datasets.{name}]"
        if not isinstance(table, dict) or "path" not in table:
            raise BenchError(f'{where}: needs at least path = "FILE"')
        table = dict(table)
        for key in ("path", "test_file"):
            if isinstance(table.get(key), str):
                table[key] = str((path.parent / table[key]).resolve())
        out[name] = FileSource.from_dict({"name": name, **table}, where=where)
        _refuse_builtin(name, where)
    return out


def remembered(results_dir: Path | None = None) -> dict[str, FileSource]:
    """The file datasets used with ``results_dir`` (default: this process's results folder)."""
    path = (results_dir or _results()) / USED_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise BenchError(f"cannot read {path}: {exc}; delete it to forget the datasets") from None
    where = str(path)
    return {
        name: FileSource.from_dict({"name": name, **decl}, where=f"{where} {name}")
        for name, decl in doc.get("datasets", {}).items()
    }


def lookup(name: str) -> FileSource | None:
    """The declaration of a non-registered dataset ``name``; a path to a data file is one too."""
    if name in _on_command_line:
        return _on_command_line[name]
    for found in (declared(), remembered()):
        if name in found:
            return found[name]
    if is_data_file(name) and Path(name).is_file():
        path = Path(name).resolve()
        return FileSource(name=name_for(path), path=str(path))
    return None


def names() -> list[str]:
    """Every user dataset this process can see: declared ones first, then remembered ones."""
    seen = list(_on_command_line)
    for found in (declared(), remembered()):
        seen += [n for n in found if n not in seen]
    return seen


def use_file(
    path: str, *, name: str | None = None, results_dir: Path | None = None, **options
) -> str:
    """Declare the dataset of a file named on the command line and return its name; with
    ``results_dir``, remember it there so later commands (and grid children) find it by name."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise BenchError(f"no such data file: {path}")
    clean = {k: v for k, v in options.items() if v is not None}
    for key in ("test_file",):
        if key in clean:
            test = Path(clean[key]).expanduser()
            if not test.is_file():
                raise BenchError(f"no such --test-file: {clean[key]}")
            clean[key] = str(test.resolve())
    source = FileSource(name=name or name_for(file), path=str(file.resolve()), **clean)
    _refuse_builtin(source.name, f"{path}: its name")
    other = declared().get(source.name)
    if other is not None and other.path != source.path:
        raise BenchError(
            f"the name {source.name!r} is declared in {datasets_file()} for {other.path}; give "
            "this file another --name"
        )
    source.spec()  # read and check it now: a bad file is one line before anything else happens
    _on_command_line[source.name] = source
    if results_dir is not None:
        _remember(source, results_dir)
    return source.name


def named(dataset: str, results_dir: Path | None = None, **options) -> str:
    """The dataset name for ``dataset``: a data file's (declared with ``options``, see
    ``use_file``), or ``dataset`` itself when it is a name (then ``options`` must be unset)."""
    if is_data_file(dataset):
        return use_file(dataset, results_dir=results_dir, **options)
    given = sorted(k for k, v in options.items() if v is not None)
    if given:
        raise BenchError(f"{given} describe a data file, but {dataset!r} is a dataset name")
    return dataset


def _refuse_builtin(name: str, where: str) -> None:
    from bench.datasets.registered import DATASETS

    if name in DATASETS:
        raise BenchError(
            f"{where}: {name!r} is the name of a built-in dataset; give the file another name "
            "(--name, or another table name)"
        )


def _remember(source: FileSource, results_dir: Path) -> None:
    from bench.storage import check_writable, write_json_atomic

    check_writable(results_dir, ())
    path = results_dir / USED_FILE
    with open(results_dir / f".{USED_FILE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        doc = {"datasets": {n: s.to_dict() for n, s in remembered(results_dir).items()}}
        entry = {k: v for k, v in source.to_dict().items() if k != "name"}
        if doc["datasets"].get(source.name) != entry:
            doc["datasets"][source.name] = entry
            write_json_atomic(path, doc)
