"""Comments: who may read and write them, replies, edits, soft deletes, pagination, bad input."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from pickey_api.comments.schemas import BODY_MAX_LENGTH
from pickey_core.models import (
    Comment,
    Creator,
    Membership,
    MembershipStatus,
    OutboxMessage,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory
from tests.support.db import all_rows, count
from tests.support.errors import assert_error
from tests.support.statements import statements


@dataclass
class World:
    """Gordíkey (a creator user) with a public, a members-only and a draft post; a member of
    the tier, a member of another creator's tier and a logged-in stranger."""

    creator: ApiUser
    member: ApiUser
    other_member: ApiUser
    stranger: ApiUser
    public_post: uuid.UUID
    members_post: uuid.UUID
    draft_post: uuid.UUID
    other_creators_post: uuid.UUID
    tier_id: uuid.UUID


@pytest.fixture
async def world(api_resources: Resources, make_user: UserFactory) -> World:
    creator, member, other_member, stranger = [await make_user() for _ in range(4)]
    async with api_resources.unit_of_work() as session:
        gordikey = await make.creator(session, await session.get(User, creator.id))
        steaky = await make.tier(session, gordikey, 9900, name="Na steaky")
        member_row = await session.get(User, member.id)
        other_member_row = await session.get(User, other_member.id)
        assert member_row is not None
        assert other_member_row is not None
        await make.membership(session, member_row, steaky)
        await make.membership(session, other_member_row, steaky)
        public = await make.post(session, gordikey)
        members = await make.post(session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky])
        draft = await make.post(session, gordikey, status=PostStatus.DRAFT)
        elsewhere = await make.post(session, await make.creator(session))
    return World(
        creator,
        member,
        other_member,
        stranger,
        public.id,
        members.id,
        draft.id,
        elsewhere.id,
        steaky.id,
    )


def comments_url(post_id: uuid.UUID | str) -> str:
    return f"/api/v1/posts/{post_id}/comments"


def comment_url(comment_id: uuid.UUID | str) -> str:
    return f"/api/v1/comments/{comment_id}"


async def comment(user: ApiUser, post_id: uuid.UUID, body: str, **fields: object) -> dict[str, Any]:
    response = await user.client.post(comments_url(post_id), json={"body": body, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


# --- creating -------------------------------------------------------------------------------


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


# --- listing --------------------------------------------------------------------------------


async def test_comments_are_listed_oldest_first_across_pages(world: World) -> None:
    created = [await comment(world.member, world.public_post, f"Komentář {n}") for n in range(5)]
    reply = await comment(world.creator, world.public_post, "Reply", parent_id=created[0]["id"])
    expected = [item["id"] for item in created] + [reply["id"]]

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await world.stranger.client.get(comments_url(world.public_post), params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == expected
    assert pages == 3
    last = response.json()["items"][-1]
    assert last["parent_id"] == created[0]["id"]
    assert last["author"] == {
        "id": str(world.creator.id),
        "display_name": world.creator.email.split("@")[0],
    }


async def test_anonymous_viewers_read_comments_of_public_posts_only(
    api_client: httpx.AsyncClient, world: World
) -> None:
    await comment(world.member, world.public_post, "Veřejně")
    await comment(world.member, world.members_post, "Jen pro členy")

    public = await api_client.get(comments_url(world.public_post))
    members_only = await api_client.get(comments_url(world.members_post))

    assert [item["body"] for item in public.json()["items"]] == ["Veřejně"]
    assert_error(members_only, 403, "post_locked")


@pytest.mark.parametrize(
    ("who", "status"),
    [("creator", 200), ("member", 200), ("other_member", 200), ("stranger", 403)],
)
async def test_who_reads_a_members_posts_comments(world: World, who: str, status: int) -> None:
    await comment(world.member, world.members_post, "Jen pro členy")

    response = await getattr(world, who).client.get(comments_url(world.members_post))

    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"]["code"] == "post_locked"
        assert "Jen pro členy" not in response.text


async def test_an_empty_thread_is_an_empty_page(world: World) -> None:
    response = await world.member.client.get(comments_url(world.public_post))

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"cursor": "W1siaW50IiwxXV0"}, {"cursor": "x" * 600}],
)
async def test_bad_cursors_are_refused(world: World, params: dict[str, str]) -> None:
    response = await world.member.client.get(comments_url(world.public_post), params=params)

    expected = "validation_error" if len(params["cursor"]) > 512 else "invalid_cursor"
    assert_error(response, 422 if expected == "validation_error" else 400, expected)


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
async def test_bad_limits_are_refused(world: World, limit: str) -> None:
    response = await world.member.client.get(
        comments_url(world.public_post), params={"limit": limit}
    )

    assert_error(response, 422, "validation_error")


async def test_a_page_costs_the_same_queries_whatever_its_size(
    api_resources: Resources, world: World, make_user: UserFactory
) -> None:
    for n in range(12):
        author = world.member if n % 2 else world.other_member
        await comment(author, world.members_post, f"Komentář {n}")

    with statements(api_resources.engine) as small:
        await world.member.client.get(comments_url(world.members_post), params={"limit": 2})
    with statements(api_resources.engine) as large:
        await world.member.client.get(comments_url(world.members_post), params={"limit": 50})

    assert len(small) == len(large) <= 8, large


# --- editing --------------------------------------------------------------------------------


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


# --- deleting -------------------------------------------------------------------------------


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


# --- helpers --------------------------------------------------------------------------------


async def set_membership(resources: Resources, fan: ApiUser, status: MembershipStatus) -> None:
    async with resources.unit_of_work() as session:
        row = await session.scalar(select(Membership).where(Membership.fan_id == fan.id))
        assert row is not None
        row.status = status


async def gordikey(resources: Resources, world: World) -> Creator:
    async with resources.sessions() as session:
        row = await session.scalar(select(Creator).where(Creator.user_id == world.creator.id))
        assert row is not None
        return row
