"""Who may comment where, one level of replies, and bad comments refused with nothing written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pickey_api.comments.schemas import BODY_MAX_LENGTH
from pickey_core.models import Comment, MembershipStatus, OutboxMessage, PostKind
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser
from tests.support.comments import (
    World,
    comment,
    comment_url,
    comments_url,
    gordikey,
    set_membership,
)
from tests.support.db import all_rows, count
from tests.support.errors import assert_error


async def test_a_member_comments_on_a_members_post(api_resources: Resources, world: World) -> None:
    response = await world.member.client.post(
        comments_url(world.members_post), json={"body": "  Haf!  Krásné.  "}
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["body"] == "Haf!  Krásné."
    assert body["author"]["id"] == str(world.member.id)
    assert body["post_id"] == str(world.members_post)
    assert body["parent_id"] is None
    assert body["deleted"] is False
    assert body["edited_at"] is None
    [row] = await all_rows(api_resources, Comment)
    assert (row.id, row.author_id, row.body) == (
        uuid.UUID(body["id"]),
        world.member.id,
        "Haf!  Krásné.",
    )
    # The notifications service is asked, in the comment's transaction, to announce it.
    [job] = await all_rows(
        api_resources, OutboxMessage, OutboxMessage.job_name == "notifications.announce_comment"
    )
    assert (job.job_name, job.queue, job.payload) == (
        "notifications.announce_comment",
        "pickey:queue:notifications",
        {"comment_id": body["id"]},
    )


async def test_the_creator_comments_on_their_own_post(world: World) -> None:
    created = await comment(world.creator, world.members_post, "Díky všem!")

    assert created["author"]["id"] == str(world.creator.id)


async def test_anyone_logged_in_comments_on_a_public_post(world: World) -> None:
    created = await comment(world.stranger, world.public_post, "Hezký pes.")

    assert created["author"]["id"] == str(world.stranger.id)


@pytest.mark.parametrize(
    ("who", "post", "status", "code"),
    [
        ("stranger", "members_post", 403, "post_locked"),
        ("member", "draft_post", 404, "post_not_found"),
        ("creator", "draft_post", 404, "post_not_found"),
        ("member", "unknown", 404, "post_not_found"),
    ],
)
async def test_commenting_where_you_may_not_is_refused_and_writes_nothing(
    api_resources: Resources, world: World, who: str, post: str, status: int, code: str
) -> None:
    user: ApiUser = getattr(world, who)
    post_id = uuid.uuid4() if post == "unknown" else getattr(world, post)

    response = await user.client.post(comments_url(post_id), json={"body": "Pustíte mě?"})

    assert_error(response, status, code)
    assert await count(api_resources, Comment) == 0
    assert (
        await all_rows(
            api_resources, OutboxMessage, OutboxMessage.job_name == "notifications.announce_comment"
        )
        == []
    )


async def test_a_lapsed_member_may_no_longer_comment(
    api_resources: Resources, world: World
) -> None:
    await set_membership(api_resources, world.member, MembershipStatus.LAPSED)

    response = await world.member.client.post(
        comments_url(world.members_post), json={"body": "Ještě já"}
    )

    assert_error(response, 403, "post_locked")
    assert await count(api_resources, Comment) == 0


async def test_a_deleted_or_unprocessed_post_takes_no_comments(
    api_resources: Resources, world: World
) -> None:
    creator = await gordikey(api_resources, world)
    async with api_resources.unit_of_work() as session:
        unprocessed = await make.post(session, creator, kind=PostKind.PHOTO, media_ready=False)
        deleted = await make.post(session, creator, deleted_at=datetime.now(UTC))

    for post_id in (unprocessed.id, deleted.id):
        response = await world.member.client.post(comments_url(post_id), json={"body": "?"})
        assert_error(response, 404, "post_not_found")
        assert_error(await world.member.client.get(comments_url(post_id)), 404, "post_not_found")
    assert await count(api_resources, Comment) == 0


async def test_commenting_needs_a_session_and_the_csrf_header(
    api_resources: Resources, api_client: httpx.AsyncClient, world: World
) -> None:
    anonymous = await api_client.post(comments_url(world.public_post), json={"body": "Ahoj"})
    forged = await world.member.client.post(
        comments_url(world.public_post), json={"body": "Ahoj"}, headers={"X-CSRF-Token": "x"}
    )

    assert_error(anonymous, 401, "not_authenticated")
    assert_error(forged, 403, "csrf_failed")
    assert await count(api_resources, Comment) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "   \n\t "},
        {"body": "x" * (BODY_MAX_LENGTH + 1)},
        {"body": "nul \x00 byte"},
        b'{"body": "lone \\ud800 surrogate"}',
        {"body": 123},
        {"body": ["Haf"]},
        {"body": None},
        {"body": "Haf", "author_id": "00000000-0000-0000-0000-000000000001"},
        {"body": "Haf", "deleted_at": "2025-01-01T00:00:00Z"},
        {"body": "Haf", "parent_id": "not-a-uuid"},
    ],
)
async def test_invalid_comments_are_refused_and_write_nothing(
    api_resources: Resources, world: World, payload: dict[str, Any] | bytes
) -> None:
    if isinstance(payload, bytes):  # JSON httpx would not encode (a lone surrogate)
        response = await world.member.client.post(
            comments_url(world.public_post),
            content=payload,
            headers={"Content-Type": "application/json"},
        )
    else:
        response = await world.member.client.post(comments_url(world.public_post), json=payload)

    assert_error(response, 422, "validation_error")
    assert await count(api_resources, Comment) == 0


async def test_the_longest_comment_is_accepted(world: World) -> None:
    created = await comment(world.member, world.public_post, "é" * BODY_MAX_LENGTH)

    assert len(created["body"]) == BODY_MAX_LENGTH


async def test_a_comment_that_is_not_json_or_too_large_is_refused(
    api_resources: Resources, world: World
) -> None:
    as_form = await world.member.client.post(comments_url(world.public_post), data={"body": "Haf"})
    malformed = await world.member.client.post(
        comments_url(world.public_post),
        content=b'{"body": "Haf"',
        headers={"Content-Type": "application/json"},
    )
    huge = await world.member.client.post(
        comments_url(world.public_post), json={"body": "x" * 2_000_000}
    )

    assert_error(as_form, 415, "json_required")
    assert_error(malformed, 422, "validation_error")
    assert_error(huge, 413, "payload_too_large")
    assert await count(api_resources, Comment) == 0


async def test_a_bad_post_id_is_a_validation_error(world: World) -> None:
    listed = await world.member.client.get(comments_url("not-a-uuid"))
    created = await world.member.client.post(comments_url("123"), json={"body": "Haf"})

    assert_error(listed, 422, "validation_error")
    assert_error(created, 422, "validation_error")


# --- replies --------------------------------------------------------------------------------


async def test_replies_are_one_level_deep(api_resources: Resources, world: World) -> None:
    top = await comment(world.member, world.members_post, "Otázka")
    reply = await comment(world.creator, world.members_post, "Odpověď", parent_id=top["id"])

    too_deep = await world.member.client.post(
        comments_url(world.members_post), json={"body": "A dál?", "parent_id": reply["id"]}
    )

    assert reply["parent_id"] == top["id"]
    assert_error(too_deep, 422, "reply_too_deep")
    assert await count(api_resources, Comment) == 2


async def test_a_reply_must_be_to_a_comment_of_the_same_post(
    api_resources: Resources, world: World
) -> None:
    on_public = await comment(world.member, world.public_post, "Tady")

    elsewhere = await world.member.client.post(
        comments_url(world.members_post), json={"body": "Tam", "parent_id": on_public["id"]}
    )
    unknown = await world.member.client.post(
        comments_url(world.members_post), json={"body": "Nikde", "parent_id": str(uuid.uuid4())}
    )

    assert_error(elsewhere, 422, "parent_not_found")
    assert_error(unknown, 422, "parent_not_found")
    assert await count(api_resources, Comment) == 1


async def test_no_reply_to_a_deleted_comment(api_resources: Resources, world: World) -> None:
    top = await comment(world.member, world.public_post, "Smažu to")
    assert (await world.member.client.delete(comment_url(top["id"]))).status_code == 204

    response = await world.stranger.client.post(
        comments_url(world.public_post), json={"body": "Pozdě", "parent_id": top["id"]}
    )

    assert_error(response, 422, "parent_deleted")
    assert await count(api_resources, Comment) == 1
