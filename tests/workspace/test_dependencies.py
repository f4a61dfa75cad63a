"""Each workspace member declares exactly what it imports, no service imports another, and no
image pulls what only the benchmarks need."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = {
    "pickey_core": ROOT / "libs/core",
    "pickey_sandbox": ROOT / "libs/sandbox",
    "pickey_backup": ROOT / "libs/backup",
    "pickey_devserver": ROOT / "libs/devserver",
    "pickey_api": ROOT / "services/api",
    "pickey_payments": ROOT / "services/payments",
    "pickey_media": ROOT / "services/media",
    "pickey_notifications": ROOT / "services/notifications",
}
SERVICES = {"pickey_api", "pickey_payments", "pickey_media", "pickey_notifications"}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class RuntimeImports(ast.NodeVisitor):
    """Top-level names of modules imported at run time (``if TYPE_CHECKING:`` blocks skipped:
    stub packages are development tools, not runtime dependencies)."""

    def __init__(self) -> None:
        self.modules: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.modules.update(alias.name.split(".")[0] for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.level == 0:
            self.modules.add(node.module.split(".")[0])


def imported_modules(package: str) -> set[str]:
    visitor = RuntimeImports()
    for path in (MEMBERS[package] / "src" / package).rglob("*.py"):
        visitor.visit(ast.parse(path.read_text(), str(path)))
    return visitor.modules - set(sys.stdlib_module_names) - {"__future__", package}


def declared(package: str) -> set[str]:
    project = tomllib.loads((MEMBERS[package] / "pyproject.toml").read_text())["project"]
    return {
        normalize(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])
        for requirement in project.get("dependencies", [])
    }


def distributions_of(module: str) -> set[str]:
    if module in MEMBERS:
        return {normalize(module)}
    return {normalize(name) for name in packages_distributions().get(module, [module])}


@pytest.mark.parametrize("package", sorted(MEMBERS))
def test_every_import_is_declared(package: str) -> None:
    missing = {
        module
        for module in imported_modules(package)
        if not distributions_of(module) & declared(package)
    }
    assert missing == set(), f"{package} imports {missing} without declaring them"


@pytest.mark.parametrize("package", sorted(SERVICES | {"pickey_sandbox"}))
def test_no_service_imports_another_service(package: str) -> None:
    others = (SERVICES - {package}) | ({"pickey_core"} if package == "pickey_sandbox" else set())
    assert imported_modules(package) & others == set()


def locked_closure(lock: dict[str, Any], distribution: str) -> set[str]:
    """Every distribution ``distribution`` installs at run time, by uv.lock (no groups, no extras
    beyond those its dependencies ask for): what its image's ``uv sync --no-dev`` pulls."""
    packages = {package["name"]: package for package in lock["package"]}
    seen: set[str] = set()
    waiting = [distribution]
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        package = packages[name]
        dependencies = list(package.get("dependencies", []))
        for dependency in list(dependencies):
            for extra in dependency.get("extra", []):
                dependencies += packages[dependency["name"]].get("optional-dependencies", {})[extra]
        waiting += [dependency["name"] for dependency in dependencies]
    return seen


@pytest.mark.parametrize("package", sorted(MEMBERS.keys() - {"pickey_devserver"}))
def test_no_image_pulls_a_benchmark_dependency(package: str) -> None:
    """pyvips and the like serve ``just bench`` (the root's ``bench`` group), never production."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    bench = {
        normalize(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])
        for requirement in root["dependency-groups"]["bench"]
    }
    assert bench, "the bench group lists the benchmarks' dependencies"
    assert locked_closure(lock, normalize(package)) & bench == set()
