"""A creator's tiers over the api: the request body, creating one, and reading tiers and
memberships back."""

from __future__ import annotations

import uuid
from typing import Any

from pickey_core.models import MembershipStatus, Tier
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser
from tests.support.db import all_rows

TIERS = "/api/v1/creators/me/tiers"


def tier_body(name: str = "Na granulkey", price: object = 5900, **fields: Any) -> dict[str, Any]:
    return {"name": name, "price_amount": price, "currency": "CZK", **fields}


def one(path: str, tier_id: object) -> str:
    return f"/api/v1/tiers/{tier_id}{path}"


async def create(user: ApiUser, **fields: Any) -> dict[str, Any]:
    response = await user.client.post(TIERS, json=tier_body(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def tier_rows(resources: Resources) -> dict[str, Tier]:
    return {row.name: row for row in await all_rows(resources, Tier)}


async def add_membership(resources: Resources, tier_id: object, status: MembershipStatus) -> None:
    """A new user with a membership of ``status`` in the tier (rows made directly, no payment)."""
    async with resources.unit_of_work() as session:
        tier = await session.get(Tier, uuid.UUID(str(tier_id)))
        assert tier is not None
        await make.membership(session, await make.user(session), tier, status)
