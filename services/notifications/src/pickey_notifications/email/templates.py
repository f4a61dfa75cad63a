"""Render an email from ``templates/<name>/<locale>.{subject,txt,html}`` (Jinja2).

HTML is autoescaped; text and subject are not (they are not HTML). A locale we have no template
for falls back to Czech, the platform's home language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

DEFAULT_LOCALE = "cs"
LOCALES = ("cs", "en")

_environment = Environment(
    loader=PackageLoader("pickey_notifications", "email/templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(name: str, locale: str, context: dict[str, Any]) -> RenderedEmail:
    lang = locale if locale in LOCALES else DEFAULT_LOCALE

    def part(extension: str) -> str:
        return _environment.get_template(f"{name}/{lang}.{extension}").render(context).strip()

    return RenderedEmail(
        subject=" ".join(part("subject").split()), text=part("txt"), html=part("html")
    )
