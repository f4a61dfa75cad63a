"""Only the author edits a comment, while they may read the post and the comment still exists."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pickey_api.comments.schemas import BODY_MAX_LENGTH
from pickey_core.models import Comment, MembershipStatus
from pickey_core.resources import Resources
from tests.support.comments import World, comment, comment_url, set_membership
from tests.support.db import all_rows
from tests.support.errors import assert_error


async def test_the_author_edits_their_comment(api_resources: Resources, world: World) -> None:
    created = await comment(world.member, world.members_post, "Překlep")

    response = await world.member.client.patch(
        comment_url(created["id"]), json={"body": "Opraveno"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["body"] == "Opraveno"
    assert response.json()["edited_at"] is not None
    [row] = await all_rows(api_resources, Comment)
    assert row.body == "Opraveno"


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("other_member", 403, "not_comment_author"),
        ("creator", 403, "not_comment_author"),
        ("stranger", 403, "post_locked"),
    ],
)
async def test_nobody_else_edits_a_comment(
    api_resources: Resources, world: World, who: str, status: int, code: str
) -> None:
    created = await comment(world.member, world.members_post, "Moje")

    response = await getattr(world, who).client.patch(
        comment_url(created["id"]), json={"body": "Tvoje"}
    )

    assert_error(response, status, code)
    [row] = await all_rows(api_resources, Comment)
    assert row.body == "Moje"


async def test_editing_needs_access_to_the_post(api_resources: Resources, world: World) -> None:
    created = await comment(world.member, world.members_post, "Dokud jsem člen")
    await set_membership(api_resources, world.member, MembershipStatus.LAPSED)

    response = await world.member.client.patch(comment_url(created["id"]), json={"body": "Už ne"})

    assert_error(response, 403, "post_locked")
    [row] = await all_rows(api_resources, Comment)
    assert row.body == "Dokud jsem člen"


async def test_a_deleted_comment_cannot_be_edited(api_resources: Resources, world: World) -> None:
    created = await comment(world.member, world.public_post, "Pryč")
    await world.member.client.delete(comment_url(created["id"]))

    response = await world.member.client.patch(comment_url(created["id"]), json={"body": "Zpět"})

    assert_error(response, 409, "comment_deleted")
    [row] = await all_rows(api_resources, Comment)
    assert row.body == ""


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "x" * (BODY_MAX_LENGTH + 1)},
        {"body": "Nové", "post_id": "00000000-0000-0000-0000-000000000001"},
        {"body": "Nové", "author_id": "00000000-0000-0000-0000-000000000001"},
        {"body": False},
    ],
)
async def test_invalid_edits_are_refused_and_change_nothing(
    api_resources: Resources, world: World, payload: dict[str, Any]
) -> None:
    created = await comment(world.member, world.public_post, "Původní")

    response = await world.member.client.patch(comment_url(created["id"]), json=payload)

    assert_error(response, 422, "validation_error")
    [row] = await all_rows(api_resources, Comment)
    assert (row.body, row.post_id, row.author_id) == ("Původní", world.public_post, world.member.id)


async def test_editing_an_unknown_or_malformed_comment_id(world: World) -> None:
    unknown = await world.member.client.patch(comment_url(uuid.uuid4()), json={"body": "?"})
    malformed = await world.member.client.patch(comment_url("nope"), json={"body": "?"})

    assert_error(unknown, 404, "comment_not_found")
    assert_error(malformed, 422, "validation_error")


async def test_editing_needs_a_session_and_the_csrf_header(
    api_resources: Resources, api_client: httpx.AsyncClient, world: World
) -> None:
    created = await comment(world.member, world.public_post, "Moje")

    anonymous = await api_client.patch(comment_url(created["id"]), json={"body": "Cizí"})
    forged = await world.member.client.patch(
        comment_url(created["id"]), json={"body": "Cizí"}, headers={"X-CSRF-Token": ""}
    )

    assert_error(anonymous, 401, "not_authenticated")
    assert_error(forged, 403, "csrf_failed")
    [row] = await all_rows(api_resources, Comment)
    assert row.body == "Moje"
