"""The creator edits and deletes their posts; bad edits are refused and change nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pickey_core.models import MediaAsset, PollOption, Post, PostTier
from pickey_core.resources import Resources
from tests.support.db import all_rows, count
from tests.support.errors import assert_error
from tests.support.posts import POSTS, Author, create, image, publish


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
