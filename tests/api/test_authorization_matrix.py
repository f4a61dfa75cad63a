"""Object-level authorization across the api: every role against every read and write of
posts, comments, likes, tiers, media and notifications. Refused writes change nothing.

Roles, around the creator Gordíkey ("owner") with tiers Na granulkey (59 Kč) and Na steaky
(99 Kč) and a post for Na steaky members: anonymous, a follower, a member of the cheaper tier
(not entitled), a member of Na steaky (entitled), a logged-in stranger, and another creator.

The rules (each package documents its own): anything a role may not know exists answers 404
(drafts, another creator's tiers, media and notifications); creators-only routes answer 403
``not_a_creator`` to a caller without a creator page; a listed post a role may see only as a
teaser answers 403 to content actions (comment, like, and any action on its comments); editing a
post or comment that is not yours is 403 (the post's creator may delete, not edit, comments);
anonymous writes are 401.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pickey_core.models import Comment, Notification, Post, PostAccess, PostStatus, Tier
from pickey_core.resources import Resources
from pickey_core.security.passwords import hash_password
from tests.support import factories as make
from tests.support.api_users import BASE_URL, PASSWORD

ROLES = [
    "anonymous",
    "follower",
    "member_granulky",
    "member_steaky",
    "stranger",
    "other_creator",
    "owner",
]


@dataclass
class World:
    emails: dict[str, str]
    ids: dict[str, uuid.UUID]


@pytest.fixture(scope="session")
async def password_hash() -> str:
    return await hash_password(PASSWORD)


@pytest.fixture
async def world(api_resources: Resources, password_hash: str) -> World:
    async with api_resources.unit_of_work() as session:
        users = {
            role: await make.user(session, email=f"{role}@example.cz", password_hash=password_hash)
            for role in ROLES
            if role != "anonymous"
        }
        gordikey = await make.creator(session, users["owner"], slug="gordikey")
        await make.creator(session, users["other_creator"])
        granulky = await make.tier(session, gordikey, 5900, name="Na granulkey")
        steaky = await make.tier(session, gordikey, 9900, name="Na steaky")
        await make.membership(session, users["member_granulky"], granulky)
        await make.membership(session, users["member_steaky"], steaky)
        await make.follow(session, users["follower"], gordikey)
        members_post = await make.post(
            session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky], title="Steak night"
        )
        draft = await make.post(session, gordikey, status=PostStatus.DRAFT, title="Draft")
        comment = Comment(post_id=members_post.id, author_id=users["member_steaky"].id, body="Mňam")
        session.add(comment)
        asset = await make.media_asset(session, users["owner"])
        notification = Notification(
            event_key="new_member:1", recipient_id=users["owner"].id, kind="new_member", data={}
        )
        session.add(notification)
        await session.flush()
        ids = {
            "post": members_post.id,
            "draft": draft.id,
            "comment": comment.id,
            "tier": steaky.id,
            "asset": asset.id,
            "notification": notification.id,
        }
    return World({role: user.email for role, user in users.items()}, ids)


async def client_for(app: FastAPI, world: World, role: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
    if role != "anonymous":
        login = await client.post(
            "/api/v1/auth/login", json={"email": world.emails[role], "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


async def snapshot(resources: Resources, ids: dict[str, uuid.UUID]) -> dict[str, Any]:
    """The stored state every write in the matrix could change."""
    async with resources.sessions() as session:
        post = await session.get(Post, ids["post"])
        draft = await session.get(Post, ids["draft"])
        comment = await session.get(Comment, ids["comment"])
        tier = await session.get(Tier, ids["tier"])
        notification = await session.get(Notification, ids["notification"])
        comments = list(await session.scalars(select(Comment.id)))
    assert post is not None
    assert draft is not None
    assert comment is not None
    assert tier is not None
    assert notification is not None
    return {
        "post": (post.title, post.deleted_at),
        "draft": (draft.status, draft.published_at),
        "comment": (comment.body, comment.deleted_at),
        "comments": len(comments),
        "tier": (tier.name, tier.archived_at),
        "notification": notification.read_at,
    }


# action: (method, path, json body, {role: status}); roles left out expect `default`.
A, S, C, OWN = "anonymous", "member_steaky", "other_creator", "owner"
ACTIONS: dict[str, tuple[str, str, dict[str, Any] | None, dict[str, int], int]] = {
    "read members post": ("GET", "/posts/{post}", None, {}, 200),
    "read draft": ("GET", "/posts/{draft}", None, {OWN: 200}, 404),
    "edit post": ("PATCH", "/posts/{post}", {"title": "Hacked"}, {A: 401, OWN: 200}, 403),
    "delete post": ("DELETE", "/posts/{post}", None, {A: 401, OWN: 204}, 403),
    "publish draft": ("POST", "/posts/{draft}/publish", None, {A: 401, OWN: 200}, 404),
    "comment": ("POST", "/posts/{post}/comments", {"body": "Hi"}, {A: 401, S: 201, OWN: 201}, 403),
    "edit comment": ("PATCH", "/comments/{comment}", {"body": "Edited"}, {A: 401, S: 200}, 403),
    "delete comment": ("DELETE", "/comments/{comment}", None, {A: 401, S: 204, OWN: 204}, 403),
    "like": ("PUT", "/posts/{post}/like", None, {A: 401, S: 204, OWN: 204}, 403),
    "edit tier": ("PATCH", "/tiers/{tier}", {"name": "Hacked"}, {A: 401, C: 404, OWN: 200}, 403),
    "archive tier": ("POST", "/tiers/{tier}/archive", None, {A: 401, C: 404, OWN: 200}, 403),
    "read media": ("GET", "/media/{asset}", None, {A: 401, OWN: 200}, 404),
    "read notification": (
        "POST",
        "/notifications/{notification}/read",
        None,
        {A: 401, OWN: 204},
        404,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_authorization(
    api_app: FastAPI, api_resources: Resources, world: World, action: str, role: str
) -> None:
    method, path, body, expected_by_role, default = ACTIONS[action]
    expected = expected_by_role.get(role, default)
    before = await snapshot(api_resources, world.ids)
    client = await client_for(api_app, world, role)
    try:
        response = await client.request(method, "/api/v1" + path.format(**world.ids), json=body)
    finally:
        await client.aclose()

    assert response.status_code == expected, (action, role, response.text)
    if expected >= 400:
        assert response.json()["error"]["code"]
        assert await snapshot(api_resources, world.ids) == before, "a refused write changed data"


@pytest.mark.parametrize("role", ROLES[1:])
async def test_only_entitled_roles_read_the_members_post_body(
    api_app: FastAPI, world: World, role: str
) -> None:
    client = await client_for(api_app, world, role)
    try:
        post = (await client.get(f"/api/v1/posts/{world.ids['post']}")).json()
        own_notifications = (await client.get("/api/v1/notifications")).json()["items"]
    finally:
        await client.aclose()

    entitled = role in ("member_steaky", "owner")
    assert (post["body"] is not None) == entitled
    assert post["viewer_access"] == {"owner": "owner", "member_steaky": "full"}.get(role, "teaser")
    # Each user's notification list holds only their own notifications.
    assert [n["id"] for n in own_notifications] == (
        [str(world.ids["notification"])] if role == "owner" else []
    )
