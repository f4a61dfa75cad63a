"""Posts made straight from the factories and driven over HTTP: an author (a logged-in creator
with two tiers), fans following or belonging to them, images, and the create and publish calls.

The ``login`` and ``author`` fixtures that use these live in ``tests/api/conftest.py``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from pickey_core.models import Creator, MembershipStatus, Tier, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser

POSTS = "/api/v1/posts"


Login = Callable[..., Awaitable[ApiUser]]


@dataclass
class Author:
    """A logged-in creator with tiers 59 and 99 Kč."""

    user: ApiUser
    creator: Creator
    granulky: Tier
    steaky: Tier

    @property
    def client(self) -> httpx.AsyncClient:
        return self.user.client


async def new_author(login: Login, resources: Resources, **creator: Any) -> Author:
    async with resources.unit_of_work() as session:
        owner = await make.user(session)
        made = await make.creator(session, owner, **creator)
        granulky = await make.tier(session, made, 5900, name="Na granulkey")
        steaky = await make.tier(session, made, 9900, name="Na steaky")
    return Author(await login(owner), made, granulky, steaky)


async def fan(
    login: Login,
    resources: Resources,
    *,
    follows: Creator | None = None,
    member_of: Tier | None = None,
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> ApiUser:
    """A logged-in fan, following a creator and/or holding a membership of a tier."""
    async with resources.unit_of_work() as session:
        user = await make.user(session)
        if follows is not None:
            await make.follow(session, user, follows)
        if member_of is not None:
            await make.membership(session, user, member_of, status)
    return await login(user)


async def image(resources: Resources, owner_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    async with resources.unit_of_work() as session:
        owner = await session.get(User, owner_id)
        assert owner is not None
        return (await make.media_asset(session, owner, **fields)).id


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def create(author: Author, **fields: Any) -> dict[str, Any]:
    body = {"kind": "text", "title": "Dnes jsem našel klacek", "body": "Velký klacek.", **fields}
    response = await author.client.post(POSTS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def publish(author: Author, post_id: str) -> dict[str, Any]:
    response = await author.client.post(f"{POSTS}/{post_id}/publish")
    assert response.status_code == 200, response.text
    return dict(response.json())
