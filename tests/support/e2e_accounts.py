"""Users of a real api process, signed up over HTTP with their email verified, and the check that
a request succeeded with a body."""

from __future__ import annotations

import httpx

from tests.support.accounts import verify_email

PASSWORD = "na-vecna-loviste-42"


def signed_in(base_url: str, email: str, name: str, database_url: str) -> httpx.Client:
    """Signed up (which logs in) with the email address verified."""
    client = httpx.Client(base_url=f"{base_url}/api/v1", timeout=30)
    signed_up = client.post(
        "/accounts", json={"email": email, "password": PASSWORD, "display_name": name}
    )
    assert signed_up.status_code == 201, signed_up.text
    verify_email(database_url, email)
    client.headers["X-CSRF-Token"] = signed_up.json()["csrf_token"]
    return client


def created(response: httpx.Response) -> dict[str, object]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, object] = response.json()
    return body
