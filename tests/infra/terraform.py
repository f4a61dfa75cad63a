"""Read the Terraform of ``infra/terraform`` without Terraform: every ``.tf`` and ``.tfvars``
parsed with python-hcl2, plus the few lookups the infrastructure tests need.

Terraform itself cannot be downloaded on the development machines or in ``.ci/run``; the GitLab
pipeline runs ``terraform fmt -check``, ``validate`` and ``plan`` (``.gitlab-ci.yml``). Here a
syntax error, a misaligned ``=`` or a broken reference between the charts and the Terraform
outputs is caught before that.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "infra" / "terraform"
ENVIRONMENTS = ("dev", "prod")
_OPTIONS = hcl2.SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, with_comments=False
)

Document = dict[str, Any]


def files() -> list[Path]:
    return sorted(path for pattern in ("*.tf", "*.tfvars") for path in TERRAFORM.rglob(pattern))


@cache
def parse(path: Path) -> Document:
    document: Document = hcl2.loads(path.read_text(), serialization_options=_OPTIONS)
    return document


def folder(path: Path) -> Document:
    """All ``.tf`` files of one module merged: block lists concatenated."""
    merged: Document = {}
    for tf_file in sorted(path.glob("*.tf")):
        for key, value in parse(tf_file).items():
            merged.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    return merged


def module_path(name: str) -> Path:
    return TERRAFORM / "modules" / name


def environment_path(environment: str) -> Path:
    return TERRAFORM / "envs" / environment


def tfvars(environment: str) -> dict[str, Any]:
    return parse(environment_path(environment) / "terraform.tfvars")


def locals_of(path: Path) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in folder(path).get("locals", []):
        merged.update(block)
    return merged


def blocks(path: Path, kind: str) -> dict[str, Any]:
    """``variable``/``output``/``module`` blocks of a module by name."""
    return {name: body for block in folder(path).get(kind, []) for name, body in block.items()}


def resources(path: Path, resource_type: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in folder(path).get("resource", []):
        for kind, named in block.items():
            if kind == resource_type:
                found.update(named)
    return found


_INTERPOLATION = re.compile(r"\$\{(.*?)\}")


def evaluate(value: Any, scope: dict[str, Any]) -> Any:
    """The value with its interpolations resolved from ``scope`` ({"var": {...}, "local":
    {...}}). Only the forms the chart inputs use: references, ``tostring(...)`` and
    ``a == "x" ? "y" : "z"`` on references; anything else raises ``ValueError``."""
    if isinstance(value, dict):
        return {key: evaluate(item, scope) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, scope) for item in value]
    if not isinstance(value, str):
        return value
    whole = _INTERPOLATION.fullmatch(value)
    if whole:
        return _expression(whole.group(1).strip(), scope)
    return _INTERPOLATION.sub(lambda m: str(_expression(m.group(1).strip(), scope)), value)


def _reference(text: str, scope: dict[str, Any]) -> Any:
    head, _, name = text.partition(".")
    if head not in scope or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"cannot evaluate {text!r}")
    resolved = scope[head][name]
    return evaluate(resolved, scope) if head == "local" else resolved


def _literal(text: str, scope: dict[str, Any]) -> Any:
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    return _reference(text, scope)


def _expression(text: str, scope: dict[str, Any]) -> Any:
    conditional = re.fullmatch(r"(\S+) == (\"[^\"]*\") \? (.+?) : (.+)", text)
    if conditional:
        left, right, yes, no = conditional.groups()
        chosen = yes if _literal(left, scope) == _literal(right, scope) else no
        return _literal(chosen, scope)
    function = re.fullmatch(r"tostring\((.+)\)", text)
    if function:
        return str(_expression(function.group(1), scope))
    return _reference(text, scope)


_ASSIGNMENT = re.compile(r"^(\s*)([\w\"./-]+)(\s*)=(?!=)\s*(.*)$")
_OPENERS = {"{": "}", "[": "]", "(": ")"}


def alignment_errors(path: Path) -> list[str]:
    """``terraform fmt``'s alignment of ``=`` in runs of consecutive one-line attributes, and
    two-space indentation by nesting: the part of ``terraform fmt -check`` that hand-written
    HCL most often breaks. (The pipeline runs the real ``terraform fmt -check``.)"""
    problems: list[str] = []
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    run: list[tuple[int, int, int]] = []  # (line number, indent, column of "=")
    depth = 0

    def close_run() -> None:
        if len({column for _, _, column in run}) > 1:
            lines = ", ".join(str(number) for number, _, _ in run)
            problems.append(f"{name}: '=' not aligned on lines {lines}")
        run.clear()

    for number, line in enumerate(path.read_text().splitlines(), start=1):
        stripped = line.strip()
        code = stripped.split(" #")[0] if not stripped.startswith("#") else ""
        # As hclwrite does: a line with more openers than closers indents the next lines by one
        # level, whatever the count (`type = object({`); a line starting with closers goes back.
        closing = 1 if code.startswith(("}", "]", ")")) else 0
        expected = 2 * max(depth - closing, 0)
        if stripped and not stripped.startswith("#"):
            indent = len(line) - len(line.lstrip(" "))
            if indent != expected and not line.lstrip().startswith(("<<", "EOT")):
                problems.append(f"{name}:{number}: indented {indent}, expected {expected}")
        assignment = _ASSIGNMENT.match(line) if code else None
        opens = sum(code.count(c) for c in _OPENERS) - sum(code.count(c) for c in "}])")
        if assignment and opens == 0:
            indent = len(assignment.group(1))
            column = len(assignment.group(1)) + len(assignment.group(2)) + len(assignment.group(3))
            if run and run[-1][1] != indent:
                close_run()
            run.append((number, indent, column))
        else:
            close_run()
        depth += (opens > 0) - (opens < 0)
    close_run()
    return problems
