"""No module under ``tests/`` imports a test module or a conftest module.

A helper that lives in ``test_refunds.py`` and is imported by ``test_fan_payments.py`` ties two
test files together: running one collects the other's tests as a side effect of the import,
renaming or deleting a test breaks an unrelated file, and a newcomer looking for the shared
helpers does not find them. Shared helpers live in ``tests/support/<topic>.py``; fixtures stay in
conftest files, where pytest finds them without an import. The check reads the source with
``ast`` (every import counts, also inside functions), so it needs no database and no imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def package_of(path: Path) -> str:
    """The package a file's relative imports start from."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def imported_modules(source: str, package: str) -> Iterator[str]:
    """Every module an import statement in ``source`` (a module of ``package``) names, relative
    imports resolved; for ``from package import name`` both the package and ``package.name``
    (``name`` may be a module)."""
    tree = ast.parse(source)
    package_parts = package.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package_parts[: len(package_parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def is_test_or_conftest(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and (parts[-1] == "conftest" or parts[-1].startswith("test_"))


def test_is_test_or_conftest_tells_helpers_from_test_modules() -> None:
    assert is_test_or_conftest("tests.payments.test_refunds")
    assert is_test_or_conftest("tests.e2e.conftest")
    assert is_test_or_conftest("tests.conftest")
    assert not is_test_or_conftest("tests.support.gpwebpay")
    assert not is_test_or_conftest("tests.payments.flows")
    assert not is_test_or_conftest("pickey_core.testing")


def test_imported_modules_sees_every_form_of_import() -> None:
    source = (
        "import tests.a.test_x\n"
        "from tests.b.conftest import helper\n"
        "from tests.c import conftest\n"
        "from . import test_y\n"
        "def f():\n"
        "    from .test_z import g\n"
    )
    found = set(imported_modules(source, "tests.workspace"))
    assert {
        "tests.a.test_x",
        "tests.b.conftest",
        "tests.c.conftest",
        "tests.workspace.test_y",
        "tests.workspace.test_z",
    } <= found


def test_no_module_under_tests_imports_a_test_module_or_a_conftest() -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in TESTS.rglob("*.py")
        for module in sorted(set(imported_modules(path.read_text(), package_of(path))))
        if is_test_or_conftest(module)
    )
    assert offenders == [], "move the shared helpers to tests/support:\n" + "\n".join(offenders)
