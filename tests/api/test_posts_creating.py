"""Creating each kind of post (text, photo, video, poll, live) and its access: what the creator gets
back and what is stored."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx

from pickey_core.models import (
    LiveState,
    LiveStream,
    MediaAsset,
    MediaStatus,
    Poll,
    PollOption,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    PostTier,
)
from pickey_core.resources import Resources
from tests.support.db import all_rows, count
from tests.support.errors import assert_error
from tests.support.posts import POSTS, Author, create, image, later


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
