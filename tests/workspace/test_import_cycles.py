"""No import cycles: between the domain packages of a service or library, nor between modules.

A cycle means two packages are one package in disguise: neither can be read, tested or moved
without the other, and a change in either may break the import order at start-up. The graph is
built from the source with ``ast``, not by importing it: every module-level ``import`` and
``from ... import`` counts, including those under ``if TYPE_CHECKING:`` (a type-only cycle is
still a cycle for a reader). Imports inside functions are left out: they are the deliberate way
to defer one.

A *domain package* is a sub-package directly under a top-level package (``pickey_api.posts``,
``pickey_media.webhooks``, ``pickey_core.providers``). An import of any of its modules is an edge
to it, so ``pickey_api.posts.service`` importing ``pickey_api.media.urls`` is the edge
``pickey_api.posts → pickey_api.media``. Top-level modules (``settings.py``, ``resources.py``)
are shared ground below the domain packages, not domains.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = sorted([*ROOT.glob("libs/*/src"), *ROOT.glob("services/*/src")])
# Alembic revisions are loaded by Alembic, not imported by anything.
SKIPPED_DIRECTORIES = {"migrations"}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


def discover() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for source in SOURCE_ROOTS:
        for path in source.rglob("*.py"):
            parts = list(path.relative_to(source).with_suffix("").parts)
            if SKIPPED_DIRECTORIES & set(parts):
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            modules[name] = Module(name, path, is_package)
    return modules


MODULES = discover()


def module_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements run when the module is imported (also inside module-level ``if`` and
    ``try``, which covers ``if TYPE_CHECKING:``)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            yield from module_level_imports(node.body)
            yield from module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from module_level_imports(block)
            for handler in node.handlers:
                yield from module_level_imports(handler.body)


def imports_of(module: Module) -> set[str]:
    """Our modules that ``module`` imports (``from package import name`` counts as the module
    ``package.name`` when there is one, else as ``package``)."""
    targets: set[str] = set()
    for node in module_level_imports(ast.parse(module.path.read_text(), str(module.path)).body):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in MODULES else base)
    return {target for target in targets if target in MODULES and target != module.name}


MODULE_GRAPH = {name: imports_of(module) for name, module in MODULES.items()}


def domain_of(name: str) -> str | None:
    """``pickey_api.posts.service`` → ``pickey_api.posts``; ``None`` for top-level modules."""
    parts = name.split(".")
    if len(parts) < 2:
        return None
    candidate = ".".join(parts[:2])
    module = MODULES.get(candidate)
    return candidate if module is not None and module.is_package else None


def domain_graph(top_level: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, targets in MODULE_GRAPH.items():
        source = domain_of(name)
        if source is None or not source.startswith(f"{top_level}."):
            continue
        edges = graph.setdefault(source, set())
        for target in targets:
            domain = domain_of(target)
            if domain is not None and domain != source and domain.startswith(f"{top_level}."):
                edges.add(domain)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    """The component and the edges inside it, so the failure says which imports to move."""
    members = set(component)
    edges = [f"{a} → {b}" for a in component for b in sorted(graph[a] & members)]
    return f"{' ↔ '.join(component)} ({'; '.join(edges)})"


TOP_LEVEL = sorted({name.split(".")[0] for name in MODULES})


@pytest.mark.parametrize("top_level", TOP_LEVEL)
def test_domain_packages_form_no_cycle(top_level: str) -> None:
    graph = domain_graph(top_level)
    found = "\n".join(describe(component, graph) for component in cycles(graph))
    assert not found, f"import cycles between domain packages:\n{found}"


@pytest.mark.parametrize("top_level", TOP_LEVEL)
def test_modules_form_no_cycle(top_level: str) -> None:
    graph = {
        name: {target for target in targets if target.split(".")[0] == top_level}
        for name, targets in MODULE_GRAPH.items()
        if name.split(".")[0] == top_level
    }
    found = "\n".join(describe(component, graph) for component in cycles(graph))
    assert not found, f"import cycles between modules:\n{found}"


def test_the_graph_sees_known_edges() -> None:
    """Guards the checker itself: an edge that exists must be found, relative imports too."""
    assert "pickey_core.providers.errors" in MODULE_GRAPH["pickey_core.providers.mux"]
    assert domain_graph("pickey_api")["pickey_api.posts"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
