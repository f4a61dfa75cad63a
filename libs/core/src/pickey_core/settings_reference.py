"""``python -m pickey_core.settings_reference module:Settings ...``: every ``PICKEY_`` variable of
the given settings classes as a Markdown table (the README's configuration reference)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from pickey_core.settings import ENV_PREFIX, PickeySettings

# Defaults each service sets for itself.
PER_SERVICE = {"PICKEY_PORT": "per service", "PICKEY_SERVICE_NAME": "per service"}


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    description: str


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is None or value == "":
        return ""
    if isinstance(value, SecretStr):
        return "(secret)" if value.get_secret_value() else ""
    return f"`{getattr(value, 'value', value)}`"


def variables(model: type[BaseModel], prefix: str = ENV_PREFIX) -> Iterator[Variable]:
    """Every variable of ``model``, nested models flattened with ``__`` as pydantic reads them."""
    for name, field in model.model_fields.items():
        variable = prefix + name.upper()
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from variables(annotation, variable + "__")
        else:
            description = " ".join((field.description or "").split())
            yield Variable(variable, _default(field), description)


def markdown(references: list[str]) -> str:
    rows: dict[str, tuple[Variable, list[str]]] = {}
    for reference in references:
        module, _, attribute = reference.partition(":")
        model = getattr(importlib.import_module(module), attribute)
        service = module.split(".")[0].removeprefix("pickey_")
        for variable in variables(model):
            rows.setdefault(variable.name, (variable, []))[1].append(service)
    shared = {variable.name: variable.description for variable in variables(PickeySettings)}
    lines = ["| variable | used by | default | meaning |", "|---|---|---|---|"]
    for name in sorted(rows):
        variable, services = rows[name]
        used_by = "all" if len(services) == len(references) else ", ".join(services)
        if name in PER_SERVICE:
            variable = Variable(name, PER_SERVICE[name], variable.description)
        description = variable.description or shared.get(name, "")
        lines.append(f"| `{name}` | {used_by} | {variable.default} | {description} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(sys.argv[1:]))
