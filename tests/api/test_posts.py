"""Creating, reading, editing and deleting posts: kinds, access, teasers, and every refusal."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pickey_core.models import (
    Creator,
    LiveState,
    LiveStream,
    MediaAsset,
    MediaKind,
    MediaStatus,
    MembershipStatus,
    Poll,
    PollOption,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    PostTier,
    Tier,
    User,
)
from pickey_core.resources import Resources
from pickey_core.sessions import SessionStore
from tests.support import factories as make
from tests.support.api_users import BASE_URL, ApiUser
from tests.support.db import all_rows, count

POSTS = "/api/v1/posts"


Login = Callable[..., Awaitable[ApiUser]]


@pytest.fixture
async def login(api_app: FastAPI, api_resources: Resources) -> AsyncIterator[Login]:
    """Users straight from the factories, logged in by a session written to the session store:
    the same cookie and CSRF header as a real login, without hashing a password per test."""
    clients: list[httpx.AsyncClient] = []
    store = SessionStore(api_resources.redis, api_resources.settings.session)

    async def log_in(user: User | None = None) -> ApiUser:
        if user is None:
            async with api_resources.unit_of_work() as session:
                user = await make.user(session)
        session_id, stored = await store.create(user.id)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_app), base_url=BASE_URL)
        clients.append(client)
        client.cookies.set(store.config.cookie_name, session_id)
        client.headers["X-CSRF-Token"] = stored.csrf_token
        return ApiUser(user.id, user.email, client, stored.csrf_token)

    yield log_in
    for client in clients:
        await client.aclose()


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


@pytest.fixture
async def author(login: Login, api_resources: Resources) -> Author:
    return await new_author(login, api_resources)


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


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text


# Creating each kind


async def test_a_new_post_is_a_draft_only_its_creator_sees(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    created = await create(author)

    assert created["status"] == "draft"
    assert created["viewer_access"] == "owner"
    assert created["body"] == "Velký klacek."
    assert created["creator"]["slug"] == author.creator.slug
    assert created["editing"]["media_ready"] is True
    assert created["published_at"] is None
    assert (created["like_count"], created["comment_count"], created["liked"]) == (0, 0, False)
    [row] = await all_rows(api_resources, Post)
    assert (row.creator_id, row.status, row.announced_at) == (
        author.creator.id,
        PostStatus.DRAFT,
        None,
    )

    anonymous = await api_client.get(f"{POSTS}/{created['id']}")
    assert_error(anonymous, 404, "post_not_found")
    own = await author.client.get(f"{POSTS}/{created['id']}")
    assert own.status_code == 200
    assert own.json()["title"] == "Dnes jsem našel klacek"


async def test_a_photo_post_owns_its_gallery_in_order(
    author: Author, api_resources: Resources
) -> None:
    first = await image(api_resources, author.user.id)
    second = await image(api_resources, author.user.id)

    created = await create(author, kind="photo", media_asset_ids=[str(second), str(first)])

    assert created["editing"]["media_asset_ids"] == [str(second), str(first)]
    assert created["editing"]["media_ready"] is True
    assert [m["id"] for m in created["media"]] == [str(second), str(first)]
    assert set(created["media"][0]["urls"]) == {"960w", "teaser"}
    assets = {a.id: a for a in await all_rows(api_resources, MediaAsset)}
    assert (assets[second].post_id, assets[second].position) == (uuid.UUID(created["id"]), 0)
    assert (assets[first].post_id, assets[first].position) == (uuid.UUID(created["id"]), 1)


async def test_a_photo_post_with_an_unprocessed_image_waits_for_media(
    author: Author, api_resources: Resources
) -> None:
    ready = await image(api_resources, author.user.id)
    processing = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)

    created = await create(author, kind="photo", media_asset_ids=[str(ready), str(processing)])

    assert created["editing"]["media_ready"] is False
    assert created["editing"]["media_asset_ids"] == [str(ready), str(processing)]
    assert [m["id"] for m in created["media"]] == [str(ready)]  # only processed media shows


async def test_a_video_post_may_start_without_its_video(
    author: Author, api_resources: Resources
) -> None:
    created = await create(author, kind="video")

    assert created["editing"]["media_ready"] is False
    assert created["editing"]["media_asset_ids"] == []


async def test_a_poll_post_keeps_its_options_in_order(
    author: Author, api_resources: Resources
) -> None:
    closes_at = later(days=3)
    created = await create(
        author,
        kind="poll",
        poll={
            "options": ["Granule", " Steak ", "Klacek"],
            "closes_at": closes_at,
            "results_visibility": "after_vote",
        },
    )

    poll = created["poll"]
    assert [o["text"] for o in poll["options"]] == ["Granule", "Steak", "Klacek"]
    assert poll["results_visibility"] == "after_vote"
    assert poll["results_visible"] is True  # the creator always sees them
    assert poll["total_votes"] == 0
    assert poll["can_vote"] is False
    [row] = await all_rows(api_resources, Poll)
    assert row.closes_at == datetime.fromisoformat(closes_at)
    assert await count(api_resources, PollOption) == 3


async def test_a_live_post_gets_an_idle_mux_stream_with_its_start(
    author: Author, api_resources: Resources
) -> None:
    start = later(hours=5)

    created = await create(author, kind="live", live={"scheduled_start_at": start})

    live = created["live"]
    assert (live["scheduled_start_at"], live["state"]) == (start.replace("+00:00", "Z"), "idle")
    [stream] = await all_rows(api_resources, LiveStream)
    assert stream.state is LiveState.IDLE
    assert stream.mux_live_stream_id is not None
    assert stream.mux_stream_key is not None
    assert stream.playback_id is not None
    # A public post plays publicly; the stream key is never part of a post.
    assert live["playback"]["playback_id"] == stream.playback_id
    assert live["playback"]["policy"] == "public"
    assert stream.mux_stream_key not in str(created)


async def test_members_posts_list_tiers_and_a_minimum_price(
    author: Author, api_resources: Resources
) -> None:
    created = await create(
        author, access="members", tier_ids=[str(author.granulky.id)], min_tier_price=9900
    )

    assert created["editing"]["tier_ids"] == [str(author.granulky.id)]
    assert created["editing"]["min_tier_price"] == 9900
    assert [t["name"] for t in created["unlocking_tiers"]] == ["Na granulkey", "Na steaky"]
    [listed] = await all_rows(api_resources, PostTier)
    assert listed.tier_id == author.granulky.id


async def test_a_paid_post_has_its_unlock_price(author: Author) -> None:
    created = await create(author, access="paid", unlock_price={"amount": 4900, "currency": "CZK"})

    assert created["unlock_price"] == {"amount": 4900, "currency": "CZK"}
    assert created["unlocking_tiers"] == []


# Teasers


@pytest.fixture
async def members_photo_post(
    author: Author, api_resources: Resources
) -> tuple[Author, dict[str, Any]]:
    photo = await image(api_resources, author.user.id)
    created = await create(
        author,
        kind="photo",
        access="members",
        tier_ids=[str(author.steaky.id)],
        media_asset_ids=[str(photo)],
        body="Tajné fotky z lesa.",
    )
    await publish(author, created["id"])
    return author, created


async def test_non_members_get_a_teaser_never_the_body_or_full_media(
    members_photo_post: tuple[Author, dict[str, Any]],
    api_client: httpx.AsyncClient,
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    follower = await fan(login, api_resources, follows=author.creator)

    for client in (api_client, follower.client):
        response = await client.get(f"{POSTS}/{created['id']}")
        assert response.status_code == 200
        teaser = response.json()
        assert teaser["viewer_access"] == "teaser"
        assert teaser["body"] is None
        assert teaser["editing"] is None
        assert teaser["title"] == created["title"]
        assert teaser["published_at"] is not None
        [media] = teaser["media"]
        assert set(media["urls"]) == {"teaser"}
        assert (media["width"], media["height"]) == (None, None)
        assert [t["name"] for t in teaser["unlocking_tiers"]] == ["Na steaky"]
        assert teaser["unlocking_tiers"][0]["price_amount"] == 9900
        assert "Tajné" not in response.text


async def test_members_of_a_listed_tier_read_everything(
    members_photo_post: tuple[Author, dict[str, Any]],
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    member = await fan(login, api_resources, member_of=author.steaky)

    response = await member.client.get(f"{POSTS}/{created['id']}")

    post = response.json()
    assert post["viewer_access"] == "full"
    assert post["body"] == "Tajné fotky z lesa."
    assert set(post["media"][0]["urls"]) == {"960w", "teaser"}
    assert post["editing"] is None


async def test_a_lapsed_member_gets_the_teaser_again(
    members_photo_post: tuple[Author, dict[str, Any]],
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    member = await fan(
        login, api_resources, member_of=author.steaky, status=MembershipStatus.LAPSED
    )

    response = await member.client.get(f"{POSTS}/{created['id']}")

    assert response.json()["viewer_access"] == "teaser"
    assert response.json()["body"] is None


async def test_a_teaser_of_a_poll_hides_the_poll(
    author: Author, api_client: httpx.AsyncClient
) -> None:
    created = await create(
        author,
        kind="poll",
        access="members",
        tier_ids=[str(author.granulky.id)],
        poll={"options": ["Ano", "Ne"]},
    )
    await publish(author, created["id"])

    teaser = (await api_client.get(f"{POSTS}/{created['id']}")).json()

    assert teaser["poll"] is None
    assert "Ano" not in str(teaser)


# Editing


async def test_the_creator_edits_title_body_and_access(
    author: Author, api_resources: Resources
) -> None:
    created = await create(author, access="members", tier_ids=[str(author.granulky.id)])

    response = await author.client.patch(
        f"{POSTS}/{created['id']}",
        json={"title": "Klacek II", "body": "Ještě větší.", "access": "public"},
    )

    assert response.status_code == 200, response.text
    edited = response.json()
    assert (edited["title"], edited["body"], edited["access"]) == (
        "Klacek II",
        "Ještě větší.",
        "public",
    )
    assert edited["editing"]["tier_ids"] == []  # the old access's settings are dropped
    assert await count(api_resources, PostTier) == 0


async def test_editing_the_gallery_detaches_what_was_left_out(
    author: Author, api_resources: Resources
) -> None:
    first = await image(api_resources, author.user.id)
    second = await image(api_resources, author.user.id)
    created = await create(author, kind="photo", media_asset_ids=[str(first), str(second)])

    response = await author.client.patch(
        f"{POSTS}/{created['id']}", json={"media_asset_ids": [str(second)]}
    )

    assert response.json()["editing"]["media_asset_ids"] == [str(second)]
    assets = {a.id: a for a in await all_rows(api_resources, MediaAsset)}
    assert assets[first].post_id is None
    assert (assets[second].post_id, assets[second].position) == (uuid.UUID(created["id"]), 0)


async def test_a_published_poll_cannot_change(author: Author, api_resources: Resources) -> None:
    created = await create(author, kind="poll", poll={"options": ["Ano", "Ne"]})
    await publish(author, created["id"])

    response = await author.client.patch(
        f"{POSTS}/{created['id']}", json={"poll": {"options": ["Možná", "Nevím"]}}
    )

    assert_error(response, 409, "poll_locked")
    assert sorted(o.text for o in await all_rows(api_resources, PollOption)) == ["Ano", "Ne"]


async def test_a_draft_poll_can_be_replaced(author: Author, api_resources: Resources) -> None:
    created = await create(author, kind="poll", poll={"options": ["Ano", "Ne"]})

    response = await author.client.patch(
        f"{POSTS}/{created['id']}", json={"poll": {"options": ["Možná", "Nevím", "Ano"]}}
    )

    assert response.status_code == 200, response.text
    assert [o["text"] for o in response.json()["poll"]["options"]] == ["Možná", "Nevím", "Ano"]
    assert await count(api_resources, PollOption) == 3


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "photo"}, "validation_error"),
        ({"status": "published"}, "validation_error"),
        ({"creator_id": str(uuid.uuid4())}, "validation_error"),
        ({"published_at": "2020-01-01T00:00:00Z"}, "validation_error"),
        ({"media_ready": True}, "validation_error"),
        ({"like_count": 1000}, "validation_error"),
        ({"title": None}, "validation_error"),
        ({"title": " "}, "validation_error"),
        ({"tier_ids": [str(uuid.uuid4())], "access": "members"}, "unknown_tier"),
        ({"access": "members"}, "invalid_access"),
        ({"access": "paid"}, "invalid_access"),
        ({"min_tier_price": 5900}, "invalid_access"),
        ({"poll": {"options": ["a", "b"]}}, "kind_mismatch"),
        ({"live": {"scheduled_start_at": "2099-01-01T00:00:00Z"}}, "kind_mismatch"),
        ({"media_asset_ids": [str(uuid.uuid4())]}, "invalid_media"),
    ],
)
async def test_bad_edits_are_refused_and_change_nothing(
    author: Author, api_resources: Resources, change: dict[str, Any], code: str
) -> None:
    created = await create(author)
    [before] = await all_rows(api_resources, Post)

    response = await author.client.patch(f"{POSTS}/{created['id']}", json=change)

    assert_error(response, 422, code)
    [after] = await all_rows(api_resources, Post)
    assert (after.title, after.access, after.status, after.updated_at) == (
        before.title,
        before.access,
        before.status,
        before.updated_at,
    )


# Deleting


async def test_a_deleted_post_is_gone_for_everyone_but_its_creator(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    created = await create(author)
    await publish(author, created["id"])
    assert (await api_client.get(f"{POSTS}/{created['id']}")).status_code == 200

    response = await author.client.delete(f"{POSTS}/{created['id']}")

    assert response.status_code == 204
    assert_error(await api_client.get(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    own = (await author.client.get(f"{POSTS}/{created['id']}")).json()
    assert own["editing"]["deleted_at"] is not None
    [row] = await all_rows(api_resources, Post)
    assert row.deleted_at is not None  # soft: unlocks and payments still point at it
    assert_error(await author.client.delete(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    assert_error(
        await author.client.patch(f"{POSTS}/{created['id']}", json={"title": "Zpět"}),
        404,
        "post_not_found",
    )


# Refusals when creating


async def test_only_creators_post(login: Login, api_resources: Resources) -> None:
    user = await login()

    response = await user.client.post(POSTS, json={"kind": "text", "title": "Ahoj"})

    assert_error(response, 403, "not_a_creator")
    assert await count(api_resources, Post) == 0


async def test_anonymous_and_forged_requests_are_refused(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    body = {"kind": "text", "title": "Ahoj"}
    assert_error(await api_client.post(POSTS, json=body), 401, "not_authenticated")
    forged = await author.client.post(POSTS, json=body, headers={"X-CSRF-Token": "forged"})
    assert_error(forged, 403, "csrf_failed")
    form = await author.client.post(
        POSTS, content=b"kind=text", headers={"Content-Type": "text/plain"}
    )
    assert_error(form, 415, "json_required")
    assert await count(api_resources, Post) == 0


BAD_BODIES: list[tuple[str, dict[str, Any], int, str]] = [
    ("creator_id", {"creator_id": str(uuid.uuid4())}, 422, "validation_error"),
    ("status", {"status": "published"}, 422, "validation_error"),
    ("published_at", {"published_at": "2020-01-01T00:00:00Z"}, 422, "validation_error"),
    ("media_ready", {"media_ready": True}, 422, "validation_error"),
    ("counts", {"like_count": 99}, 422, "validation_error"),
    ("unknown kind", {"kind": "story"}, 422, "validation_error"),
    ("long title", {"title": "x" * 201}, 422, "validation_error"),
    ("blank title", {"title": "   "}, 422, "validation_error"),
    ("title type", {"title": 42}, 422, "validation_error"),
    ("long body", {"body": "x" * 50_001}, 422, "validation_error"),
    ("NUL in the title", {"title": "Kla\x00cek"}, 422, "validation_error"),
    ("NUL in the body", {"body": "Kla\x00cek"}, 422, "validation_error"),
    (
        "NUL in an option",
        {"kind": "poll", "poll": {"options": ["a\x00", "b"]}},
        422,
        "validation_error",
    ),
    ("poll on text", {"poll": {"options": ["a", "b"]}}, 422, "validation_error"),
    ("poll missing", {"kind": "poll"}, 422, "validation_error"),
    ("live missing", {"kind": "live"}, 422, "validation_error"),
    ("one option", {"kind": "poll", "poll": {"options": ["a"]}}, 422, "validation_error"),
    (
        "eleven options",
        {"kind": "poll", "poll": {"options": [str(n) for n in range(11)]}},
        422,
        "validation_error",
    ),
    (
        "repeated options",
        {"kind": "poll", "poll": {"options": ["Ano", "ano"]}},
        422,
        "validation_error",
    ),
    (
        "results after close without closing",
        {"kind": "poll", "poll": {"options": ["a", "b"], "results_visibility": "after_close"}},
        422,
        "validation_error",
    ),
    (
        "poll closed already",
        {"kind": "poll", "poll": {"options": ["a", "b"], "closes_at": "2020-01-01T00:00:00Z"}},
        422,
        "invalid_closes_at",
    ),
    (
        "naive closing time",
        {"kind": "poll", "poll": {"options": ["a", "b"], "closes_at": "2099-01-01T00:00:00"}},
        422,
        "validation_error",
    ),
    (
        "live in the past",
        {"kind": "live", "live": {"scheduled_start_at": "2020-01-01T00:00:00Z"}},
        422,
        "invalid_schedule",
    ),
    ("members without tiers", {"access": "members"}, 422, "invalid_access"),
    ("tiers on public", {"tier_ids": [str(uuid.uuid4())]}, 422, "invalid_access"),
    ("paid without price", {"access": "paid"}, 422, "invalid_access"),
    (
        "price on public",
        {"unlock_price": {"amount": 100, "currency": "CZK"}},
        422,
        "invalid_access",
    ),
    (
        "unlock price in dollars",
        {"access": "paid", "unlock_price": {"amount": 100, "currency": "USD"}},
        422,
        "validation_error",
    ),
    (
        "negative price",
        {"access": "paid", "unlock_price": {"amount": -1, "currency": "CZK"}},
        422,
        "validation_error",
    ),
    (
        "price as a float",
        {"access": "paid", "unlock_price": {"amount": 49.5, "currency": "CZK"}},
        422,
        "validation_error",
    ),
    (
        "unknown tier",
        {"access": "members", "tier_ids": [str(uuid.uuid4())]},
        422,
        "unknown_tier",
    ),
    ("bad tier id", {"access": "members", "tier_ids": ["not-a-uuid"]}, 422, "validation_error"),
    ("photo without images", {"kind": "photo"}, 422, "invalid_media"),
    ("media on text", {"media_asset_ids": [str(uuid.uuid4())]}, 422, "invalid_media"),
    (
        "unknown asset",
        {"kind": "photo", "media_asset_ids": [str(uuid.uuid4())]},
        422,
        "unknown_media_asset",
    ),
]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [case[1:] for case in BAD_BODIES],
    ids=[case[0] for case in BAD_BODIES],
)
async def test_bad_posts_are_refused_and_nothing_is_written(
    author: Author, api_resources: Resources, fields: dict[str, Any], status: int, code: str
) -> None:
    body = {"kind": "text", "title": "Klacek", **fields}

    response = await author.client.post(POSTS, json=body)

    assert_error(response, status, code)
    for model in (Post, PostTier, Poll, PollOption, LiveStream):
        assert await count(api_resources, model) == 0


async def test_tiers_of_another_creator_are_refused(
    author: Author, login: Login, api_resources: Resources
) -> None:
    other = await new_author(login, api_resources)

    response = await author.client.post(
        POSTS,
        json={
            "kind": "text",
            "title": "x",
            "access": "members",
            "tier_ids": [str(other.steaky.id)],
        },
    )

    assert_error(response, 422, "unknown_tier")
    assert await count(api_resources, Post) == 0


async def test_assets_of_another_user_are_refused(
    author: Author, login: Login, api_resources: Resources
) -> None:
    other = await new_author(login, api_resources)
    theirs = await image(api_resources, other.user.id)

    response = await author.client.post(
        POSTS, json={"kind": "photo", "title": "x", "media_asset_ids": [str(theirs)]}
    )

    assert_error(response, 422, "unknown_media_asset")
    assert await count(api_resources, Post) == 0
    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.post_id is None


async def test_an_asset_on_another_post_is_refused(
    author: Author, api_resources: Resources
) -> None:
    shared = await image(api_resources, author.user.id)
    first = await create(author, kind="photo", media_asset_ids=[str(shared)])

    response = await author.client.post(
        POSTS, json={"kind": "photo", "title": "x", "media_asset_ids": [str(shared)]}
    )

    assert_error(response, 409, "media_asset_in_use")
    assert await count(api_resources, Post) == 1
    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.post_id == uuid.UUID(first["id"])


@pytest.mark.parametrize(
    ("kind", "asset_kind", "asset_status"),
    [
        ("photo", MediaKind.VIDEO, MediaStatus.READY),
        ("video", MediaKind.IMAGE, MediaStatus.READY),
        ("photo", MediaKind.IMAGE, MediaStatus.FAILED),
    ],
)
async def test_assets_of_the_wrong_kind_or_failed_are_refused(
    author: Author,
    api_resources: Resources,
    kind: str,
    asset_kind: MediaKind,
    asset_status: MediaStatus,
) -> None:
    asset = await image(api_resources, author.user.id, kind=asset_kind, status=asset_status)

    response = await author.client.post(
        POSTS, json={"kind": kind, "title": "x", "media_asset_ids": [str(asset)]}
    )

    assert_error(response, 422, "invalid_media")
    assert await count(api_resources, Post) == 0


async def test_a_video_post_takes_one_video(author: Author, api_resources: Resources) -> None:
    videos = [
        str(await image(api_resources, author.user.id, kind=MediaKind.VIDEO)) for _ in range(2)
    ]

    response = await author.client.post(
        POSTS, json={"kind": "video", "title": "x", "media_asset_ids": videos}
    )

    assert_error(response, 422, "invalid_media")
    assert await count(api_resources, Post) == 0


# Another creator's posts


@pytest.mark.parametrize("published", [True, False])
async def test_creator_b_can_never_change_creator_a_posts(
    author: Author, login: Login, api_resources: Resources, published: bool
) -> None:
    created = await create(author)
    if published:
        await publish(author, created["id"])
    intruder = await new_author(login, api_resources)
    [before] = await all_rows(api_resources, Post)
    # A published post exists for everyone: 403. A draft's existence is not revealed: 404.
    status, code = (403, "not_post_owner") if published else (404, "post_not_found")
    url = f"{POSTS}/{created['id']}"

    for response in [
        await intruder.client.patch(url, json={"title": "Moje!"}),
        await intruder.client.delete(url),
        await intruder.client.post(f"{url}/publish"),
        await intruder.client.post(f"{url}/unschedule"),
    ]:
        assert_error(response, status, code)

    [after] = await all_rows(api_resources, Post)
    assert (after.title, after.status, after.deleted_at, after.updated_at) == (
        before.title,
        before.status,
        None,
        before.updated_at,
    )


async def test_a_fan_cannot_change_a_post_either(
    author: Author, login: Login, api_resources: Resources
) -> None:
    created = await create(author)
    await publish(author, created["id"])
    follower = await fan(login, api_resources, follows=author.creator)

    response = await follower.client.patch(f"{POSTS}/{created['id']}", json={"title": "Moje!"})

    assert_error(response, 403, "not_post_owner")
    [row] = await all_rows(api_resources, Post)
    assert row.title == created["title"]


async def test_creator_b_cannot_attach_creator_a_assets_by_editing(
    author: Author, login: Login, api_resources: Resources
) -> None:
    intruder = await new_author(login, api_resources)
    own = await image(api_resources, intruder.user.id)
    theirs = await image(api_resources, author.user.id)
    created = await create(intruder, kind="photo", media_asset_ids=[str(own)])

    response = await intruder.client.patch(
        f"{POSTS}/{created['id']}", json={"media_asset_ids": [str(own), str(theirs)]}
    )

    assert_error(response, 422, "unknown_media_asset")
    assets = {a.id: a for a in await all_rows(api_resources, MediaAsset)}
    assert assets[theirs].post_id is None
    assert assets[own].post_id == uuid.UUID(created["id"])


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_bad_post_ids_are_422(author: Author, method: str) -> None:
    response = await author.client.request(
        method, f"{POSTS}/not-a-uuid", json={} if method == "PATCH" else None
    )

    assert_error(response, 422, "validation_error")


async def test_unknown_posts_are_404(author: Author) -> None:
    url = f"{POSTS}/{uuid.uuid4()}"
    assert_error(await author.client.get(url), 404, "post_not_found")
    assert_error(await author.client.patch(url, json={"title": "x"}), 404, "post_not_found")
    assert_error(await author.client.delete(url), 404, "post_not_found")


async def test_posts_with_kinds_and_access_are_stored_as_sent(
    author: Author, api_resources: Resources
) -> None:
    """The row matches the request: the server sets status, never the client."""
    created = await create(author, access="paid", unlock_price={"amount": 12900, "currency": "EUR"})

    [row] = await all_rows(api_resources, Post)
    assert str(row.id) == created["id"]
    assert (row.kind, row.access, row.status) == (
        PostKind.TEXT,
        PostAccess.PAID,
        PostStatus.DRAFT,
    )
    assert (row.unlock_price_amount, row.unlock_currency) == (12900, "EUR")


async def test_a_lone_surrogate_is_refused_not_a_500(
    author: Author, api_resources: Resources
) -> None:
    raw = b'{"kind": "text", "title": "Klacek", "body": "\\ud800"}'

    response = await author.client.post(
        POSTS, content=raw, headers={"Content-Type": "application/json"}
    )

    assert_error(response, 422, "validation_error")
    assert await count(api_resources, Post) == 0
