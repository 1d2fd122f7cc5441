"""The package's shape: no import cycles between its modules, and small modules."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "quotapilot"

#: Cycles to be broken by whoever works there next (none left).
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules ``name`` imports anywhere: at the top, under ``TYPE_CHECKING``,
    or inside a function. ``from a import b`` counts as importing ``a.b`` when that is a
    module, else ``a``; importing a submodule does not count as importing its package."""

    def module_of(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {module_of(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                dotted = f"{base}.{alias.name}"
                found.add(dotted if dotted in known else module_of(base))
    return {m for m in found if m and m != name}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_scan_sees_function_level_and_typing_imports():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    # a function-level import and a TYPE_CHECKING one
    assert "quotapilot.sources" in graph["quotapilot.engine.regression"]
    assert "quotapilot.gate.lookups" in graph["quotapilot.gate.mocks"]


def test_no_module_imports_itself_through_others():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    found = {frozenset(c) for c in cycles(graph)}
    assert found <= KNOWN_CYCLES, sorted(sorted(c) for c in found - KNOWN_CYCLES)


#: The longest a module may grow: past this, it holds more than one thing.
MAX_MODULE_LINES = 350


def test_every_module_is_small():
    # quotapilot/components/ is checked with its own split (automation.py is being divided).
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if "components" not in path.relative_to(PACKAGE).parts
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


#: The package's layers, bottom up (ARCHITECTURE.md): a package imports its own layer's and
#: lower ones', never a higher one's.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_version", "exceptions", "domain", "wiring", "permissions", "quotapilot"}),
    frozenset({"increase_paths", "seasons", "envvalues", "extras", "catalogue", "forecast"}),
    frozenset({"sources"}),
    frozenset({"engine", "ledger"}),
    frozenset({"pipeline", "handlers"}),
    frozenset({"gate", "components"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),
)


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "quotapilot"


def test_every_package_is_in_one_layer():
    placed = [name for layer in LAYERS for name in layer]
    assert len(placed) == len(set(placed))
    assert {_package(m) for m in modules()} == set(placed)


def test_no_package_imports_a_higher_layer():
    level = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    known = modules()
    upward = sorted(
        (name, target)
        for name, path in known.items()
        for target in imports(name, path, known)
        if level[_package(target)] > level[_package(name)]
    )
    assert upward == []
