"""What the payments tests work with: the payments app's address, a fan with a live session and
their own client, and a creator's shop of three tiers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from pickey_core.models import Creator, Tier, User

# https: the session cookie is Secure, and httpx (like browsers) sends it over https only.
ORIGIN = "https://payments.test"
BASE_URL = f"{ORIGIN}/payments/v1"


@dataclass
class Fan:
    """A user with a live session (made as the api's login makes it) and their own client."""

    user: User
    client: httpx.AsyncClient


FanFactory = Callable[..., Awaitable[Fan]]


@dataclass
class Shop:
    """A creator with tiers of 59, 99 and 199 Kč."""

    owner: User
    creator: Creator
    tiers: list[Tier]
