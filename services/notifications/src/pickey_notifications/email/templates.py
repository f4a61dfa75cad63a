"""Render an email from ``templates/<name>/<locale>.{subject,txt,html}`` (Jinja2).

HTML is autoescaped; text and subject are not (they are not HTML). A locale we have no template
for falls back to Czech, the platform's home language. Templates of announcements extend
``_layout/<locale>.{txt,html}``, which adds the footer (why you get this, how to stop it).

``html_context`` overrides values for the HTML part only: a batch send puts Mailgun placeholders
in the context, and a name must be substituted HTML-escaped there but as written in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pickey_core.media_failures import text as media_failure_text
from pickey_notifications.email.formatting import format_date, format_money

_LINE_BREAKS = re.compile(r"[ \t\r\n]+")
DEFAULT_LOCALE = "cs"
LOCALES = ("cs", "en")

_environment = Environment(
    loader=PackageLoader("pickey_notifications", "email/templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)
_environment.filters["money"] = format_money
_environment.filters["date"] = format_date
_environment.filters["media_failure"] = media_failure_text


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(
    name: str,
    locale: str,
    context: dict[str, Any],
    *,
    html_context: dict[str, Any] | None = None,
) -> RenderedEmail:
    lang = locale if locale in LOCALES else DEFAULT_LOCALE
    base = {**context, "locale": lang}

    def part(extension: str, values: dict[str, Any]) -> str:
        return _environment.get_template(f"{name}/{lang}.{extension}").render(values).strip()

    return RenderedEmail(
        # One line; a no-break space (in "99 Kč") is kept, it is not a line's whitespace.
        subject=_LINE_BREAKS.sub(" ", part("subject", base)),
        text=part("txt", base),
        html=part("html", {**base, **(html_context or {})}),
    )
