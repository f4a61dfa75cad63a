"""Signing up over HTTP against a real api process and waiting for the emails the notifications
worker sends through the Mailgun sandbox."""

from __future__ import annotations

import time

import httpx

from tests.support.sandbox import MailgunSandbox


def wait_for_messages(
    sandbox: MailgunSandbox, to: str, count: int = 1, timeout: float = 30
) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = sandbox.messages(to=to)
        if len(messages) >= count:
            return messages
        time.sleep(0.2)
    raise AssertionError(f"{count} message(s) to {to} did not arrive in {timeout}s")


def sign_up(api_url: str, email: str) -> httpx.Response:
    return httpx.post(
        f"{api_url}/api/v1/accounts",
        json={"email": email, "password": "na-vecna-loviste", "display_name": "Gordíkey"},
        timeout=30,
    )
