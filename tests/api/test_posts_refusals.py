"""Refusals when creating a post: no session or CSRF, bad bodies, tiers and assets that are not the
creator's, bad ids; nothing is written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pickey_core.models import (
    LiveStream,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Poll,
    PollOption,
    Post,
    PostTier,
)
from pickey_core.resources import Resources
from tests.support.db import all_rows, count
from tests.support.errors import assert_error
from tests.support.posts import POSTS, Author, Login, create, image, new_author


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


async def test_a_lone_surrogate_is_refused_not_a_500(
    author: Author, api_resources: Resources
) -> None:
    raw = b'{"kind": "text", "title": "Klacek", "body": "\\ud800"}'

    response = await author.client.post(
        POSTS, content=raw, headers={"Content-Type": "application/json"}
    )

    assert_error(response, 422, "validation_error")
    assert await count(api_resources, Post) == 0
