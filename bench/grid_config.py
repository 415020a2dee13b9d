"""A grid described in a TOML file (``bench all --config grid.toml``), typed and validated.

The file's keys (``docs/grid-config.md`` describes each)::

    profile = "quick"
    datasets = ["sms-spam", "nsmc"]          # names (bench.datasets.get_dataset)
    models = ["nb", "lstm"]                  # names (bench.models.get_model)
    seeds = [0, 1]
    tokenizers = { ko = ["mecab", "okt"] }   # language -> tokenizers, one run per tokenizer
    max_train = 2000                         # train on a stratified slice of N documents
    lm = false                               # run the language-modelling task or not
    datasets_file = "datasets.toml"          # exported as BENCH_DATASETS_FILE
    [params.lstm]                            # per-model hyperparameters over the profile's
    epochs = 2

Every key is optional. A key the layout does not have, a value of the wrong type or a name no
registry holds raises ``GridConfigError`` (one line, exit code 2) naming the file and the key.
Command-line flags override the file (``GridConfig.override``). What a grid finally ran with, after
the profile's defaults filled in what neither gave, is a ``ResolvedGrid``: stored under
``<results>/grids/`` (``store_resolved``) and shown in the report.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bench.datasets.catalogue import DATASETS_FILE_ENV  # reaches every process of a grid
from bench.errors import BenchError

#: the languages a ``tokenizers`` table may name, and which tokenizers belong to which
TOKENIZER_LANGUAGES = {"en": "English", "ko": "Korean"}


class GridConfigError(BenchError):
    """A grid file that cannot be used: unreadable, not TOML, an unknown key, a value of the wrong
    type or a name no registry holds."""


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _str_list(v) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, str) and x for x in v)


def _seeds(v) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(_is_int(x) and x >= 0 for x in v)


def _tokenizer_table(v) -> bool:
    return isinstance(v, dict) and all(_str_list(names) for names in v.values())


def _params_table(v) -> bool:
    # values as --param takes them (JSON): a TOML date or a nested table is no hyperparameter
    scalar = (str, int, float, bool, list)
    return isinstance(v, dict) and all(
        isinstance(p, dict) and all(isinstance(x, scalar) for x in p.values()) for p in v.values()
    )


#: key -> (what it must be, check)
_LAYOUT = {
    "profile": ("a string", lambda v: isinstance(v, str) and bool(v)),
    "datasets": ("a non-empty list of names", _str_list),
    "models": ("a non-empty list of names", _str_list),
    "seeds": ("a non-empty list of non-negative integers", _seeds),
    "tokenizers": ("a table of language = [tokenizer names]", _tokenizer_table),
    "params": ("a table of [params.<model>] tables of hyperparameters", _params_table),
    "max_train": ("a positive integer", lambda v: _is_int(v) and v >= 1),
    "lm": ("true or false", lambda v: isinstance(v, bool)),
    "datasets_file": ("a path (a string)", lambda v: isinstance(v, str) and bool(v)),
}


@dataclass(frozen=True)
class GridConfig:
    """A grid as a file (or the command line) describes it; ``None``: not said, so the profile's
    default (or the command's) applies. ``source`` is the file it was read from, if any."""

    profile: str | None = None
    datasets: tuple[str, ...] | None = None
    models: tuple[str, ...] | None = None
    seeds: tuple[int, ...] | None = None
    tokenizers: dict[str, tuple[str, ...]] | None = None
    params: dict[str, dict[str, Any]] | None = None
    max_train: int | None = None
    lm: bool | None = None
    datasets_file: str | None = None
    source: str | None = None

    def override(self, **flags) -> "GridConfig":
        """This configuration with each flag that was given (not ``None``) in place of the
        file's value: the command line wins over the file."""
        given = {k: (tuple(v) if isinstance(v, list) else v) for k, v in flags.items()}
        return replace(self, **{k: v for k, v in given.items() if v is not None})

    def run_all_kwargs(self, *, lm_default: bool | None = None) -> dict:
        """The keyword arguments of ``bench.orchestrate.run_all`` this configuration gives
        (``lm_default``: ``lm`` when neither the file nor a flag said)."""
        return {
            "profile": self.profile or "default",
            "datasets": list(self.datasets) if self.datasets else None,
            "models": list(self.models) if self.models else None,
            "seeds": list(self.seeds) if self.seeds else None,
            "lm": self.lm if self.lm is not None else lm_default,
            "tokenizers": self.tokenizers,
            "params": self.params,
            "max_train": self.max_train,
            "config_file": self.source,
        }

    def export_datasets_file(self) -> None:
        """Set ``BENCH_DATASETS_FILE`` for this process and the grid's children, so the datasets
        the file declares resolve by name everywhere."""
        if self.datasets_file:
            os.environ[DATASETS_FILE_ENV] = self.datasets_file


def load_grid_config(path: str | Path) -> GridConfig:
    """The grid that TOML file ``path`` describes, checked key by key; ``GridConfigError`` names
    the file and the key. Its ``datasets_file`` (relative paths: to the grid file's folder) is
    exported as ``BENCH_DATASETS_FILE`` before the dataset names are checked."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GridConfigError(
            f"cannot read grid file {path}: {exc.strerror or exc}; check the --config path"
        ) from None
    except UnicodeDecodeError:
        raise GridConfigError(f"{path}: not UTF-8 text; save the grid file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise GridConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_grid_config(doc, str(path), base=path.parent, source=str(path.resolve()))


def parse_grid_config(
    doc: dict, where: str, *, base: Path | None = None, source: str | None = None
) -> GridConfig:
    """The grid a parsed document (a grid file's keys) describes, checked as ``load_grid_config``
    checks a file; errors start with ``where``. A relative ``datasets_file`` is taken from
    ``base`` (default: the working directory)."""
    try:
        config = _from_dict(doc, base or Path.cwd(), source)
        config.export_datasets_file()
        check_names(config)
    except GridConfigError as exc:
        raise GridConfigError(f"{where}: {exc}") from None
    return config


def _from_dict(doc: dict, base: Path, source: str | None) -> GridConfig:
    for key, value in doc.items():
        if key not in _LAYOUT:
            close = difflib.get_close_matches(key, list(_LAYOUT), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise GridConfigError(f"unknown key {key!r}.{hint} Known: {', '.join(_LAYOUT)}.")
        what, ok = _LAYOUT[key]
        if not ok(value):
            raise GridConfigError(f"{key} must be {what}, got {value!r:.80}")
    values = dict(doc)
    for key in ("datasets", "models", "seeds"):
        if key in values:
            values[key] = tuple(values[key])
    if "tokenizers" in values:
        values["tokenizers"] = {lang: tuple(v) for lang, v in values["tokenizers"].items()}
    if "datasets_file" in values:  # relative to the grid file, as a user reading it expects
        values["datasets_file"] = str((base / values["datasets_file"]).resolve())
    return GridConfig(**values, source=source)


def _check(key: str, lookup, names) -> None:
    for name in names:
        try:
            lookup(name)
        except BenchError as exc:
            raise GridConfigError(f"{key}: {exc}") from None


def check_names(config: GridConfig) -> None:
    """Every profile, dataset, model and tokenizer the configuration names is registered, each
    tokenizer is for the language it is listed under, and each model's parameters have the
    types and ranges its constructor declares; ``GridConfigError`` names the key."""
    from bench.datasets import get_dataset
    from bench.models import get_model
    from bench.params import check_ranges, check_types
    from bench.profiles import get_profile
    from bench.tokenizers import KOREAN_ANALYZERS, TOKENIZERS

    _check("profile", get_profile, [config.profile] if config.profile else [])
    _check("datasets", get_dataset, config.datasets or ())
    _check("models", get_model, config.models or ())
    for lang, names in (config.tokenizers or {}).items():
        if lang not in TOKENIZER_LANGUAGES:
            raise GridConfigError(
                f"tokenizers: unknown language {lang!r}; use {' or '.join(TOKENIZER_LANGUAGES)}"
            )
        _check(f"tokenizers.{lang}", TOKENIZERS.get, names)
        for name in names:
            of = "ko" if name in KOREAN_ANALYZERS else "en" if name == "english" else lang
            if of != lang:
                raise GridConfigError(
                    f"tokenizers.{lang}: {name} is a tokenizer for "
                    f"{TOKENIZER_LANGUAGES[of]} text, not {TOKENIZER_LANGUAGES[lang]}"
                )
    for model, params in (config.params or {}).items():
        _check("params", get_model, [model])
        try:
            cls = get_model(model).cls()
            check_types(cls, params)
            check_ranges(cls, params)
            cls(seed=0, **params)  # a misspelt name: __init__ only stores its arguments
        except (TypeError, ValueError) as exc:
            raise GridConfigError(f"params.{model}: {exc}") from None


@dataclass(frozen=True)
class ResolvedGrid:
    """What a grid ran with after the command line, the file and the profile's defaults: the
    record stored under ``<results>/grids/`` and shown in the report. ``tokenizers``: language ->
    the tokenizers its datasets' runs use; ``runs``: the number of runs planned."""

    profile: str
    datasets: list[str]
    models: list[str]
    seeds: list[int]
    tokenizers: dict[str, list[str]]
    params: dict[str, dict]
    max_train: int | None
    lm: bool
    shard: str | None = None
    datasets_file: str | None = None
    config_file: str | None = None
    runs: int = 0

    def digest(self) -> str:
        """A hash of what the grid runs (not where its file was): equal grids share it."""
        what = {k: v for k, v in asdict(self).items() if k not in ("config_file",)}
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:12]


def resolve_grid(configs: list, *, lm: bool, **settings) -> ResolvedGrid:
    """The record of a planned grid: ``settings`` as ``ResolvedGrid`` names them, the tokenizers
    read from the planned run configurations (``bench.results.RunConfig``)."""
    from bench.datasets import get_dataset

    tokenizers: dict[str, list[str]] = {}
    for c in configs:
        used = tokenizers.setdefault(get_dataset(c.dataset).language, [])
        if c.tokenizer not in used:
            used.append(c.tokenizer)
    listed = {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}
    return ResolvedGrid(**listed, tokenizers=tokenizers, lm=lm, runs=len(configs))


def grids_dir(results_dir: Path) -> Path:
    """Where resolved grid configurations are stored."""
    return results_dir / "grids"


def store_resolved(results_dir: Path, grid: ResolvedGrid) -> Path:
    """Write ``grid`` atomically as ``grids/<utc-time>-<digest>.json``; an earlier record of the
    same grid (a resumed one) is replaced, so each grid is listed once, at its latest run."""
    from bench.storage import write_json_atomic

    now = dt.datetime.now(dt.timezone.utc)
    digest = grid.digest()
    path = grids_dir(results_dir) / f"{now:%Y%m%dT%H%M%SZ}-{digest}.json"
    record = {"schema": 1, "digest": digest, "stored_at": now.isoformat(timespec="seconds")}
    write_json_atomic(path, {**record, **asdict(grid)})
    for old in grids_dir(results_dir).glob(f"*-{digest}.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


__all__ = [
    "DATASETS_FILE_ENV",
    "GridConfig",
    "GridConfigError",
    "ResolvedGrid",
    "check_names",
    "resolve_grid",
    "grids_dir",
    "load_grid_config",
    "parse_grid_config",
    "store_resolved",
]
