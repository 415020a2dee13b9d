"""Models from outside the project: a ``"package.module:Class"`` reference, or a name an installed
distribution registers under the ``nlp_bench.models`` entry-point group.

A plug-in is checked against the model contract (``bench.models``) when it is first named, before
any data is read: its module imports, the attribute exists, is a class whose constructor takes
``seed`` and has callable ``fit``, ``predict_proba`` and ``params``. Each failure is one
``PluginError`` line. ``bench list`` reads entry points' names and values without importing them.

A built-in name always means the built-in model: an entry point of that name is left out of
``bench list`` with a warning, and its class stays reachable through its ``module:Class``. Two
installed entry points of one name are refused when that name is used.

What provides a plug-in (``source``: module, class, distribution and version, or for a module
loose on ``sys.path`` the SHA-256 of its file) is part of its runs' identity, so a new version of
a plug-in never reuses the results of the old one.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from bench.errors import BenchError, unknown_name

#: the entry-point group an installed distribution registers its models under
GROUP = "nlp_bench.models"
#: what a class must have to be a model (the contract in ``bench.models``)
REQUIRED_METHODS = ("fit", "predict_proba", "params")
_CONTRACT = "see docs/your-model.md for the model contract"


class PluginError(BenchError):
    """A plug-in model that cannot be used: unimportable, missing, not a class, or lacking part of
    the model contract."""


@dataclass(frozen=True)
class PluginModel:
    """A plug-in model checked against the contract: its name, ``"module:Class"``, the family it
    declares (``plugin`` unless its class has a ``family`` attribute) and where it comes from."""

    name: str
    target: str
    family: str
    description: str
    source: dict


def is_reference(name: str) -> bool:
    """Whether ``name`` is a ``"module:Class"`` reference rather than a registered name."""
    return ":" in name


def installed_entry_points() -> dict[str, list[metadata.EntryPoint]]:
    """The entry points of the ``nlp_bench.models`` group by name, none of them imported."""
    out: dict[str, list[metadata.EntryPoint]] = {}
    for ep in metadata.entry_points(group=GROUP):
        out.setdefault(ep.name, []).append(ep)
    return out


def _origin(ep: metadata.EntryPoint) -> str:
    """``name version`` of the distribution declaring ``ep``."""
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "an unnamed distribution"


def listed(builtin: list[str]) -> tuple[list[dict], list[str]]:
    """``bench list``'s rows for the installed plug-ins and a warning for each left out (a name
    clashing with a built-in model or with another plug-in). Imports nothing."""
    rows, warnings = [], []
    for name, eps in installed_entry_points().items():
        where = "; ".join(f"{ep.value} from {_origin(ep)}" for ep in eps)
        if name in builtin:
            warnings.append(
                f"plug-in model {name} ({where}) is hidden by the built-in model of that name; "
                f"use it as --model {eps[0].value}"
            )
        elif len({ep.value for ep in eps}) > 1:
            warnings.append(f"plug-in model {name} is registered more than once ({where})")
        else:
            rows.append(
                {
                    "name": name,
                    "family": "plugin",
                    "description": f"plug-in {eps[0].value} from {_origin(eps[0])}",
                    "source": eps[0].value,
                    "distribution": _origin(eps[0]),
                }
            )
    return rows, warnings


@cache
def plugin_model(name: str, builtin: tuple[str, ...]) -> PluginModel:
    """The plug-in ``name`` (a ``"module:Class"`` reference or an installed entry point's name),
    checked against the contract; ``PluginError`` or ``UnknownNameError`` in one line."""
    if is_reference(name):
        module, _, attr = name.partition(":")
        if not module or not attr or ":" in attr:
            raise PluginError(
                f"--model takes a registered name or 'package.module:Class', got {name!r}"
            )
        cls = _load(module, attr, name)
        return _checked(name, f"{module}:{attr}", cls, dist=None)
    eps = installed_entry_points().get(name)
    if not eps:
        err = unknown_name("model", name, [*builtin, *installed_entry_points()])
        raise type(err)(f"{err} A model of your own: --model package.module:Class") from None
    if len({ep.value for ep in eps}) > 1:
        where = "; ".join(f"{ep.value} from {_origin(ep)}" for ep in eps)
        raise PluginError(
            f"plug-in model {name} is registered by more than one package ({where}); "
            "use --model package.module:Class to say which"
        )
    ep = eps[0]
    if not ep.attr:
        raise PluginError(f"entry point {name} = {ep.value!r} must name a class: 'module:Class'")
    cls = _load(ep.module, ep.attr, f"{name} ({ep.value} from {_origin(ep)})")
    return _checked(name, f"{ep.module}:{ep.attr}", cls, dist=getattr(ep, "dist", None))


def _load(module: str, attr: str, what: str) -> type:
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        raise PluginError(
            f"model {what}: cannot import module {module}: {_first_line(exc)} "
            "(is it installed, or its folder on PYTHONPATH?)"
        ) from None
    except Exception as exc:  # the module's own code failed: name it, not a traceback
        raise PluginError(
            f"model {what}: importing module {module} failed: {type(exc).__name__}: "
            f"{_first_line(exc)}"
        ) from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise PluginError(f"model {what}: module {module} has no attribute {attr}")
        obj = getattr(obj, part)
    return obj


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _checked(name: str, target: str, cls, dist) -> PluginModel:
    if not inspect.isclass(cls):
        raise PluginError(
            f"model {name}: {target} is a {type(cls).__name__}, not a class; {_CONTRACT}"
        )
    missing = [m for m in REQUIRED_METHODS if not callable(getattr(cls, m, None))]
    if missing:
        raise PluginError(
            f"model {name}: class {target} lacks {', '.join(missing)} "
            f"(a model needs {', '.join(REQUIRED_METHODS)}); {_CONTRACT}"
        )
    try:
        takes = inspect.signature(cls).parameters
    except (TypeError, ValueError):  # a signature Python cannot read: let the constructor judge
        takes = {"seed": None}
    if "seed" not in takes and not any(p.kind is p.VAR_KEYWORD for p in takes.values()):
        raise PluginError(f"model {name}: {target}() takes no seed keyword; {_CONTRACT}")
    family = getattr(cls, "family", None)
    doc = (inspect.getdoc(cls) or "").strip().splitlines()
    return PluginModel(
        name=name,
        target=target,
        family=family if family in ("classic", "neural") else "plugin",
        description=doc[0] if doc else target,
        source=source_of(cls, dist),
    )


def source_of(cls: type, dist: metadata.Distribution | None = None) -> dict:
    """Where a model class comes from: its module and qualified name, the distribution that
    provides it (``dist``: an entry point's; else the one declaring its top-level package and
    holding its file) and that distribution's version. A module loose on ``sys.path`` has neither;
    it, and a module installed in editable mode (its file outside the distribution's folder),
    record the SHA-256 of the module's file, so an edit counts as a new version."""
    module = cls.__module__
    path = getattr(importlib.import_module(module), "__file__", None)
    file = Path(path).resolve() if path else None
    if dist is None:
        dist = _distribution_of(module)
        if dist is not None and file is not None and not _holds(dist, file):
            dist = None  # a loose module that shares a top-level name with an installed one
    out = {
        "module": module,
        "class": cls.__qualname__,
        "distribution": dist.name if dist is not None else None,
        "version": dist.version if dist is not None else None,
    }
    if file is not None and file.is_file() and (dist is None or not _holds(dist, file)):
        out["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
    return out


def _holds(dist: metadata.Distribution, file: Path) -> bool:
    """Whether ``file`` lies in the folder ``dist`` was installed into (an editable install's
    source tree does not)."""
    return file.is_relative_to(Path(dist.locate_file("")).resolve())


def _distribution_of(module: str) -> metadata.Distribution | None:
    """The installed distribution that declares ``module``'s top-level package, if any."""
    top = module.partition(".")[0]
    for name in metadata.packages_distributions().get(top, []):
        try:
            return metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
    return None
