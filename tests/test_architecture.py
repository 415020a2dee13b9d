"""The code's shape: no import cycles, model families apart, a light ``bench list``.

Imports are read from the source with ``ast``, those inside functions included (a deferred import
still ties two modules together; deferring it only hides a cycle until the function runs).
``if TYPE_CHECKING:`` blocks are left out: they never run.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bench", "baselines", "neural", "reports", "core")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST):
    """Every import statement of the tree, at any depth, outside ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest project module ``name`` refers to (``bench.cli.main`` -> ``bench.cli``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports_of(module: str, modules: dict[str, Path]) -> set[str]:
    """The project modules ``module`` imports anywhere in its source."""
    path = modules[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:  # relative: climb from this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # ``from pkg import name``: the module pkg.name when there is one, else pkg itself
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        out.update(t for t in map(lambda t: _resolve(t, modules), targets) if t and t != module)
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _project_modules()
    return {m: _imports_of(m, modules) for m in modules}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as one cycle
    through its modules found by a walk inside the component."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def visit(v: str) -> None:  # the graph has a few hundred modules: recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, c) for c in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One cycle through the first module of a strongly connected component, by breadth-first
    search back to it (the shortest such cycle)."""
    start = min(component)
    parent = {start: None}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if w not in parent:
                    parent[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"{component} is not strongly connected")


def test_cycle_finder_finds_a_planted_cycle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(planted) == [["a", "b", "c", "a"]]


def test_import_resolution_reads_function_level_and_from_imports(graph):
    # bench/__main__.py: ``from bench.cli import main`` at module level
    assert "bench.cli" in graph["bench.__main__"]
    # every project module is in the graph, and imports only project modules
    assert set().union(*graph.values()) <= set(graph)


def test_no_import_cycles(graph):
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _crossings(graph: dict[str, set[str]], source: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{m} imports {t}"
        for m, targets in graph.items()
        if m.split(".")[0] == source
        for t in targets
        if t.split(".")[0] in forbidden
    )


@pytest.mark.parametrize(
    "source,forbidden",
    [
        ("neural", ("baselines",)),
        ("baselines", ("neural",)),
        ("core", ("bench", "baselines", "neural", "reports")),
        ("reports", ("baselines", "neural")),
    ],
    ids=["neural-not-baselines", "baselines-not-neural", "core-below-all", "reports-no-models"],
)
def test_layers(graph, source, forbidden):
    crossings = _crossings(graph, source, forbidden)
    assert not crossings, "\n".join(crossings)


LIGHT_LIST = """
import contextlib, io, json, sys
from bench.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["list", "--json"])
    except SystemExit as exc:
        code = exc.code
heavy = ("tensorflow", "keras", "ray", "jpype", "konlpy", "faiss")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_bench_list_imports_no_heavy_library():
    """``bench list`` names every dataset and model without importing TensorFlow, Ray or a JVM."""
    proc = subprocess.run(
        [sys.executable, "-c", LIGHT_LIST], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None)
    assert not {"tensorflow", "ray", "jpype"} & set(report["loaded"]), report
