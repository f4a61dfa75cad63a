"""Likes: idempotent on both sides, only by readers of a listed post."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from pickey_core.models import Like, Membership, MembershipStatus, PostAccess, PostStatus, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory
from tests.support.db import all_rows, count
from tests.support.errors import assert_error


@dataclass
class World:
    creator: ApiUser
    member: ApiUser
    stranger: ApiUser
    public_post: uuid.UUID
    members_post: uuid.UUID
    paid_post: uuid.UUID
    draft_post: uuid.UUID


@pytest.fixture
async def world(api_resources: Resources, make_user: UserFactory) -> World:
    creator, member, stranger = [await make_user() for _ in range(3)]
    async with api_resources.unit_of_work() as session:
        gordikey = await make.creator(session, await session.get(User, creator.id))
        granulky = await make.tier(session, gordikey, 5900)
        member_row = await session.get(User, member.id)
        assert member_row is not None
        await make.membership(session, member_row, granulky)
        public = await make.post(session, gordikey)
        members = await make.post(session, gordikey, access=PostAccess.MEMBERS, tiers=[granulky])
        paid = await make.post(
            session,
            gordikey,
            access=PostAccess.PAID,
            unlock_price_amount=4900,
            unlock_currency="CZK",
        )
        draft = await make.post(session, gordikey, status=PostStatus.DRAFT)
    return World(creator, member, stranger, public.id, members.id, paid.id, draft.id)


def like_url(post_id: uuid.UUID | str) -> str:
    return f"/api/v1/posts/{post_id}/like"


async def likes_of(resources: Resources, post_id: uuid.UUID) -> set[uuid.UUID]:
    return {like.user_id for like in await all_rows(resources, Like, Like.post_id == post_id)}


async def test_liking_twice_is_one_like(api_resources: Resources, world: World) -> None:
    first = await world.member.client.put(like_url(world.members_post))
    again = await world.member.client.put(like_url(world.members_post))

    assert first.status_code == again.status_code == 204
    assert first.content == again.content == b""
    assert await likes_of(api_resources, world.members_post) == {world.member.id}


async def test_unliking_twice_is_no_like(api_resources: Resources, world: World) -> None:
    await world.member.client.put(like_url(world.public_post))
    await world.stranger.client.put(like_url(world.public_post))

    first = await world.member.client.delete(like_url(world.public_post))
    again = await world.member.client.delete(like_url(world.public_post))

    assert first.status_code == again.status_code == 204
    assert await likes_of(api_resources, world.public_post) == {world.stranger.id}


async def test_unliking_what_you_never_liked_is_a_no_op(
    api_resources: Resources, world: World
) -> None:
    response = await world.stranger.client.delete(like_url(world.public_post))

    assert response.status_code == 204
    assert await count(api_resources, Like) == 0


@pytest.mark.parametrize(
    ("who", "post"),
    [
        ("stranger", "public_post"),
        ("member", "members_post"),
        ("creator", "members_post"),
        ("creator", "paid_post"),
    ],
)
async def test_readers_like(api_resources: Resources, world: World, who: str, post: str) -> None:
    user: ApiUser = getattr(world, who)

    response = await user.client.put(like_url(getattr(world, post)))

    assert response.status_code == 204
    assert await likes_of(api_resources, getattr(world, post)) == {user.id}


@pytest.mark.parametrize(
    ("who", "post", "status", "code"),
    [
        ("stranger", "members_post", 403, "post_locked"),
        ("member", "paid_post", 403, "post_locked"),
        ("member", "draft_post", 404, "post_not_found"),
        ("creator", "draft_post", 404, "post_not_found"),
        ("member", "unknown", 404, "post_not_found"),
    ],
)
async def test_liking_what_you_may_not_read_is_refused_and_writes_nothing(
    api_resources: Resources, world: World, who: str, post: str, status: int, code: str
) -> None:
    post_id = uuid.uuid4() if post == "unknown" else getattr(world, post)

    response = await getattr(world, who).client.put(like_url(post_id))

    assert_error(response, status, code)
    assert await count(api_resources, Like) == 0


async def test_unliking_a_post_that_is_not_listed_is_not_found(world: World) -> None:
    draft = await world.creator.client.delete(like_url(world.draft_post))
    unknown = await world.member.client.delete(like_url(uuid.uuid4()))

    assert_error(draft, 404, "post_not_found")
    assert_error(unknown, 404, "post_not_found")


async def test_a_lapsed_member_can_take_a_like_back_but_not_give_one(
    api_resources: Resources, world: World
) -> None:
    assert (await world.member.client.put(like_url(world.members_post))).status_code == 204
    async with api_resources.unit_of_work() as session:
        membership = await session.scalar(
            select(Membership).where(Membership.fan_id == world.member.id)
        )
        assert membership is not None
        membership.status = MembershipStatus.LAPSED

    unliked = await world.member.client.delete(like_url(world.members_post))
    relike = await world.member.client.put(like_url(world.members_post))

    assert unliked.status_code == 204
    assert_error(relike, 403, "post_locked")
    assert await count(api_resources, Like) == 0


async def test_likes_need_a_session_and_the_csrf_header(
    api_resources: Resources, api_client: httpx.AsyncClient, world: World
) -> None:
    await world.member.client.put(like_url(world.public_post))

    anonymous_like = await api_client.put(like_url(world.public_post))
    anonymous_unlike = await api_client.delete(like_url(world.public_post))
    forged_like = await world.stranger.client.put(
        like_url(world.public_post), headers={"X-CSRF-Token": "forged"}
    )
    forged_unlike = await world.member.client.delete(
        like_url(world.public_post), headers={"X-CSRF-Token": "forged"}
    )

    assert_error(anonymous_like, 401, "not_authenticated")
    assert_error(anonymous_unlike, 401, "not_authenticated")
    assert_error(forged_like, 403, "csrf_failed")
    assert_error(forged_unlike, 403, "csrf_failed")
    assert await likes_of(api_resources, world.public_post) == {world.member.id}


async def test_a_malformed_post_id_is_a_validation_error(
    api_resources: Resources, world: World
) -> None:
    put = await world.member.client.put(like_url("not-a-uuid"))
    delete = await world.member.client.delete(like_url("1234"))

    assert_error(put, 422, "validation_error")
    assert_error(delete, 422, "validation_error")
    assert await count(api_resources, Like) == 0


async def test_a_like_with_a_body_that_is_not_json_is_refused(
    api_resources: Resources, world: World
) -> None:
    response = await world.member.client.put(
        like_url(world.public_post), content=b"like=1", headers={"Content-Type": "text/plain"}
    )

    assert_error(response, 415, "json_required")
    assert await count(api_resources, Like) == 0


async def test_a_post_shows_its_like_count_and_the_viewers_own_like(
    api_client: httpx.AsyncClient, world: World
) -> None:
    await world.member.client.put(like_url(world.public_post))
    await world.stranger.client.put(like_url(world.public_post))
    await world.member.client.put(like_url(world.members_post))

    async def seen(client: httpx.AsyncClient, post_id: uuid.UUID) -> tuple[int, bool]:
        body = (await client.get(f"/api/v1/posts/{post_id}")).json()
        return body["like_count"], body["liked"]

    assert await seen(world.member.client, world.public_post) == (2, True)
    assert await seen(world.member.client, world.members_post) == (1, True)
    assert await seen(world.member.client, world.paid_post) == (0, False)
    assert await seen(api_client, world.public_post) == (2, False)
