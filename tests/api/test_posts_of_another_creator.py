"""Nobody changes a creator's posts but the creator: not another creator, not a fan, not by
attaching assets."""

from __future__ import annotations

import uuid

import pytest

from pickey_core.models import MediaAsset, Post
from pickey_core.resources import Resources
from tests.support.db import all_rows
from tests.support.errors import assert_error
from tests.support.posts import POSTS, Author, Login, create, fan, image, new_author, publish


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
