"""Comments driven over HTTP: their URLs, posting one, and the world the comment tests share
(Gordíkey with a public, a members-only and a draft post, members and a stranger)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from pickey_core.models import Creator, Membership, MembershipStatus
from pickey_core.resources import Resources
from tests.support.api_users import ApiUser


@dataclass
class World:
    """Gordíkey (a creator user) with a public, a members-only and a draft post; a member of
    the tier, a member of another creator's tier and a logged-in stranger."""

    creator: ApiUser
    member: ApiUser
    other_member: ApiUser
    stranger: ApiUser
    public_post: uuid.UUID
    members_post: uuid.UUID
    draft_post: uuid.UUID
    other_creators_post: uuid.UUID
    tier_id: uuid.UUID


def comments_url(post_id: uuid.UUID | str) -> str:
    return f"/api/v1/posts/{post_id}/comments"


def comment_url(comment_id: uuid.UUID | str) -> str:
    return f"/api/v1/comments/{comment_id}"


async def comment(user: ApiUser, post_id: uuid.UUID, body: str, **fields: object) -> dict[str, Any]:
    response = await user.client.post(comments_url(post_id), json={"body": body, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def set_membership(resources: Resources, fan: ApiUser, status: MembershipStatus) -> None:
    async with resources.unit_of_work() as session:
        row = await session.scalar(select(Membership).where(Membership.fan_id == fan.id))
        assert row is not None
        row.status = status


async def gordikey(resources: Resources, world: World) -> Creator:
    async with resources.sessions() as session:
        row = await session.scalar(select(Creator).where(Creator.user_id == world.creator.id))
        assert row is not None
        return row
