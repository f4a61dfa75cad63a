"""Fake Mailgun: the ``/v3/{domain}/messages`` sending API, an inbox page and fault injection."""

from pickey_sandbox.mailgun.endpoints import create_router
from pickey_sandbox.mailgun.page import PAGE_PATH

TITLE = "Mailgun (e-mail)"

__all__ = ["PAGE_PATH", "TITLE", "create_router"]
