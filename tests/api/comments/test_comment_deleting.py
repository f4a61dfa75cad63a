"""Soft deletes by the author or the post's creator, and nobody else; a deleted post's comments are
gone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from pickey_core.models import Comment, MembershipStatus, Post, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import UserFactory
from tests.support.comments import World, comment, comment_url, comments_url, set_membership
from tests.support.db import all_rows
from tests.support.errors import assert_error


async def test_the_author_deletes_their_comment_softly(
    api_resources: Resources, world: World
) -> None:
    top = await comment(world.member, world.members_post, "Tajemství")
    reply = await comment(world.other_member, world.members_post, "Cože?", parent_id=top["id"])

    first = await world.member.client.delete(comment_url(top["id"]))
    again = await world.member.client.delete(comment_url(top["id"]))

    assert first.status_code == again.status_code == 204
    items = (await world.other_member.client.get(comments_url(world.members_post))).json()["items"]
    assert [(item["id"], item["deleted"], item["body"]) for item in items] == [
        (top["id"], True, None),
        (reply["id"], False, "Cože?"),
    ]
    assert "Tajemství" not in str(items)
    rows = {row.id: row for row in await all_rows(api_resources, Comment)}
    assert rows[uuid.UUID(top["id"])].deleted_at is not None
    assert rows[uuid.UUID(top["id"])].body == ""


async def test_the_posts_creator_deletes_a_fans_comment(
    api_resources: Resources, world: World
) -> None:
    created = await comment(world.member, world.members_post, "Spam")

    response = await world.creator.client.delete(comment_url(created["id"]))

    assert response.status_code == 204
    [row] = await all_rows(api_resources, Comment)
    assert row.deleted_at is not None


@pytest.mark.parametrize(
    ("who", "code"),
    [("other_member", "not_comment_author"), ("stranger", "post_locked")],
)
async def test_nobody_else_deletes_a_comment(
    api_resources: Resources, world: World, who: str, code: str
) -> None:
    created = await comment(world.member, world.members_post, "Zůstanu")

    response = await getattr(world, who).client.delete(comment_url(created["id"]))

    assert_error(response, 403, code)
    [row] = await all_rows(api_resources, Comment)
    assert (row.deleted_at, row.body) == (None, "Zůstanu")


async def test_another_creator_cannot_delete_comments_on_gordikeys_post(
    api_resources: Resources, world: World, make_user: UserFactory
) -> None:
    rival = await make_user()
    async with api_resources.unit_of_work() as session:
        await make.creator(session, await session.get(User, rival.id))
    created = await comment(world.member, world.public_post, "Zůstanu")

    response = await rival.client.delete(comment_url(created["id"]))

    assert_error(response, 403, "not_comment_author")
    [row] = await all_rows(api_resources, Comment)
    assert row.deleted_at is None


async def test_an_author_who_lost_access_still_deletes_their_comment(
    api_resources: Resources, world: World
) -> None:
    created = await comment(world.member, world.members_post, "Odcházím")
    await set_membership(api_resources, world.member, MembershipStatus.LAPSED)

    response = await world.member.client.delete(comment_url(created["id"]))

    assert response.status_code == 204
    [row] = await all_rows(api_resources, Comment)
    assert row.deleted_at is not None


async def test_deleting_an_unknown_comment_or_without_a_session(
    api_resources: Resources, api_client: httpx.AsyncClient, world: World
) -> None:
    created = await comment(world.member, world.public_post, "Moje")

    unknown = await world.member.client.delete(comment_url(uuid.uuid4()))
    malformed = await world.member.client.delete(comment_url("1"))
    anonymous = await api_client.delete(comment_url(created["id"]))
    forged = await world.member.client.delete(
        comment_url(created["id"]), headers={"X-CSRF-Token": "forged"}
    )

    assert_error(unknown, 404, "comment_not_found")
    assert_error(malformed, 422, "validation_error")
    assert_error(anonymous, 401, "not_authenticated")
    assert_error(forged, 403, "csrf_failed")
    [row] = await all_rows(api_resources, Comment)
    assert row.deleted_at is None


async def test_comments_of_a_post_that_was_deleted_are_gone(
    api_resources: Resources, world: World
) -> None:
    created = await comment(world.member, world.public_post, "Byl tu post")
    async with api_resources.unit_of_work() as session:
        post = await session.get(Post, world.public_post)
        assert post is not None
        post.deleted_at = datetime.now(UTC)

    edited = await world.member.client.patch(comment_url(created["id"]), json={"body": "?"})
    deleted = await world.member.client.delete(comment_url(created["id"]))

    assert_error(edited, 404, "comment_not_found")
    assert_error(deleted, 404, "comment_not_found")
