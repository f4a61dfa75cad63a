"""Users of the in-process api app: each a signed-up, logged-in httpx client of their own.

The ``make_user`` fixture (``tests/api/conftest.py``) makes them; tests elsewhere name the types."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

# https: the session cookie is Secure, and httpx (like browsers) sends it over https only.
BASE_URL = "https://api.test"
PASSWORD = "granulky-a-steaky"


@dataclass
class ApiUser:
    """A signed-up, logged-in user with their own cookie jar; writes carry the CSRF header."""

    id: uuid.UUID
    email: str
    client: httpx.AsyncClient
    csrf_token: str


UserFactory = Callable[..., Awaitable[ApiUser]]
