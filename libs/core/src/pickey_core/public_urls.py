"""Public URLs: addresses that a browser, an email client or a provider outside our cluster must
reach (links in emails, the gateway's return address, the web app's own URLs).

Their development defaults point at 127.0.0.1 or localhost, and the charts' defaults at
``*.example.com``. Deployed with such a value, nothing fails at start-up: a fan is sent back to
their own machine after paying, or an email carries an unsubscribe link nobody can open. So a
setting typed :data:`PublicUrl` is refused outside development and test when its host is a
loopback or unspecified address, ``localhost``, or a name reserved for examples and tests
(RFC 2606 / RFC 6761: ``example``, ``example.com/.net/.org``, ``test``, ``invalid``, ``localhost``),
and the error names the variable. Private addresses (10.x, 192.168.x) are not refused: a staging
cluster behind a VPN may legitimately use them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel


class _PublicUrlMarker:
    """Field metadata that marks a string setting as a public URL."""

    def __repr__(self) -> str:
        return "PublicUrl"


PUBLIC_URL = _PublicUrlMarker()
PublicUrl = Annotated[str, PUBLIC_URL]

RESERVED_DOMAINS = (
    "example",
    "example.com",
    "example.net",
    "example.org",
    "test",
    "invalid",
    "localhost",
)


def why_not_public(url: str) -> str | None:
    """Why ``url`` cannot be reached from outside, or None when it can (as far as we can tell)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host:
        return "has no host"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        for domain in RESERVED_DOMAINS:
            if host == domain or host.endswith("." + domain):
                return f"points at {host}, a name reserved for examples and tests"
        return None
    if address.is_loopback or address.is_unspecified:
        return f"points at {host}, a loopback address"
    return None


def public_urls(model: BaseModel, prefix: str) -> Iterator[tuple[str, str]]:
    """Every :data:`PublicUrl` setting in a settings tree with the variable that sets it."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        variable = f"{prefix}{name.upper()}"
        if PUBLIC_URL in field.metadata and isinstance(value, str):
            yield variable, value
        elif isinstance(value, BaseModel):
            yield from public_urls(value, variable + "__")
