"""Reading a post's comments: who may, oldest first across pages, bad cursors and limits, a fixed
number of queries per page."""

from __future__ import annotations

import httpx
import pytest

from pickey_core.resources import Resources
from tests.support.api_users import UserFactory
from tests.support.comments import World, comment, comments_url
from tests.support.errors import assert_error
from tests.support.statements import statements


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
