"""Turn the form fields of ``POST /v3/{domain}/messages`` into a stored message, or refuse them
with the message Mailgun gives for the same mistake.

Where Mailgun's own wording is known it is copied exactly (clients and tests match on it); the
others (too many tags or recipients, bad recipient-variables) follow its style.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData, UploadFile

from pickey_sandbox.mailgun.store import Delivery, StoredMessage, bare_address

MAX_TAGS = 3
MAX_RECIPIENTS = 1_000
TRUE_VALUES = frozenset({"yes", "true", "1", "on"})
RECIPIENT_PLACEHOLDER = re.compile(r"%recipient\.([A-Za-z0-9_\-]+)%")


class InvalidMessage(ValueError):
    """The request cannot be sent; ``message`` is Mailgun's explanation (HTTP 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_message_id(domain: str, now: datetime) -> str:
    """Mailgun's id shape: ``<20250101120000.3f9c1a2b4d5e6f70@mg.example.com>``."""
    return f"<{now:%Y%m%d%H%M%S}.{secrets.token_hex(8)}@{domain}>"


def parse_message(domain: str, form: FormData, *, now: datetime | None = None) -> StoredMessage:
    """Validate the fields in the order Mailgun checks them and build the stored record."""
    received_at = now or datetime.now(UTC)
    sender = _text(form, "from")
    if sender is None:
        raise InvalidMessage("from parameter is missing")
    _require_addresses("from", [sender])
    to = _addresses(form, "to")
    if not to:
        raise InvalidMessage("to parameter is missing")
    cc = _addresses(form, "cc")
    bcc = _addresses(form, "bcc")
    for field, recipients in (("to", to), ("cc", cc), ("bcc", bcc)):
        _require_addresses(field, recipients)
    if len(to) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise InvalidMessage(f"Too many recipients: at most {MAX_RECIPIENTS} per message")

    subject, text, html = _text(form, "subject"), _text(form, "text"), _text(form, "html")
    template = _text(form, "template")
    if text is None and html is None and template is None:
        raise InvalidMessage("Need at least one of 'text' or 'html' parameters specified")

    tags = [tag for tag in _all_text(form, "o:tag") if tag]
    if len(tags) > MAX_TAGS:
        raise InvalidMessage(f"Too many tags: at most {MAX_TAGS} o:tag values per message")
    recipient_variables = _recipient_variables(_text(form, "recipient-variables"))
    options = _prefixed(form, "o:")
    options.pop("tag", None)
    testmode = options.pop("testmode", "").strip().lower() in TRUE_VALUES

    return StoredMessage(
        id=new_message_id(domain, received_at),
        domain=domain,
        sender=sender,
        to=to,
        cc=cc,
        bcc=bcc,
        subject=subject,
        text=text,
        html=html,
        template=template,
        headers=_prefixed(form, "h:"),
        variables=_prefixed(form, "v:"),
        tags=tags,
        options=options,
        testmode=testmode,
        recipient_variables=recipient_variables,
        batch=recipient_variables is not None,
        deliveries=plan_deliveries(
            to, subject, text, html, recipient_variables, headers=_prefixed(form, "h:")
        ),
        received_at=received_at,
    )


def plan_deliveries(
    to: list[str],
    subject: str | None,
    text: str | None,
    html: str | None,
    recipient_variables: Mapping[str, Mapping[str, Any]] | None,
    *,
    headers: Mapping[str, str] | None = None,
) -> list[Delivery]:
    """The copies Mailgun sends: one per recipient, personalised only in batch sending.

    Without recipient-variables each recipient gets the same message with every address in To,
    which is exactly the leak batch sending exists to prevent. With them, ``%recipient.x%`` is
    replaced in the subject, both bodies and the ``h:`` header values (how a batch gives each
    recipient their own List-Unsubscribe). A ``%recipient.x%`` whose variable is missing is left
    as written, so the mistake shows in the sandbox instead of vanishing.
    """
    headers = dict(headers or {})
    if recipient_variables is None:
        return [
            Delivery(
                recipient=recipient,
                to=list(to),
                subject=subject,
                text=text,
                html=html,
                headers=headers,
            )
            for recipient in to
        ]
    by_address = {
        bare_address(key) or key.lower(): value for key, value in recipient_variables.items()
    }
    deliveries = []
    for recipient in to:
        variables = by_address.get(bare_address(recipient), {})
        deliveries.append(
            Delivery(
                recipient=recipient,
                to=[recipient],
                subject=_substitute(subject, variables),
                text=_substitute(text, variables),
                html=_substitute(html, variables),
                headers={
                    name: _substitute(value, variables) or "" for name, value in headers.items()
                },
            )
        )
    return deliveries


def split_addresses(value: str) -> list[str]:
    """Split ``a@x.cz, "Novák, Petr" <p@x.cz>`` on the commas outside quotes and angle brackets."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    angle_depth = 0
    for char in value:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "<":
            angle_depth += 1
        elif not quoted and char == ">":
            angle_depth = max(0, angle_depth - 1)
        elif char == "," and not quoted and angle_depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _substitute(template: str | None, variables: Mapping[str, Any]) -> str | None:
    if template is None:
        return None

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(variables[name]) if name in variables else match.group(0)

    return RECIPIENT_PLACEHOLDER.sub(replace, template)


def _recipient_variables(raw: str | None) -> dict[str, dict[str, Any]] | None:
    if raw is None:
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidMessage("recipient-variables parameter is not a valid JSON") from error
    if not isinstance(parsed, dict) or not all(isinstance(v, dict) for v in parsed.values()):
        raise InvalidMessage(
            "recipient-variables parameter must be a JSON object of objects keyed by recipient"
        )
    return parsed


def _require_addresses(field: str, values: list[str]) -> None:
    for value in values:
        address = bare_address(value)
        local, _, host = address.rpartition("@")
        if not local or not host:
            raise InvalidMessage(
                f"'{field}' parameter is not a valid address. please check documentation"
            )


def _addresses(form: FormData, field: str) -> list[str]:
    return [address for value in _all_text(form, field) for address in split_addresses(value)]


def _text(form: FormData, field: str) -> str | None:
    """The last non-empty value of ``field``; an empty field counts as missing, as in Mailgun."""
    values = [value for value in _all_text(form, field) if value.strip()]
    return values[-1] if values else None


def _all_text(form: FormData, field: str) -> list[str]:
    return [value for value in form.getlist(field) if not isinstance(value, UploadFile)]


def _prefixed(form: FormData, prefix: str) -> dict[str, str]:
    """``h:X-Pickey-Kind=welcome`` → ``{"X-Pickey-Kind": "welcome"}`` (last value wins)."""
    found: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith(prefix) and len(key) > len(prefix) and isinstance(value, str):
            found[key.removeprefix(prefix)] = value
    return found
