"""Free follows: idempotent follow and unfollow, and the keyset list of followed creators."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from pickey_core.models import Creator, Follow, User
from pickey_core.pagination import encode_cursor
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import UserFactory
from tests.support.creators import become_creator, image
from tests.support.db import all_rows, count
from tests.support.infra import asyncpg_dsn
from tests.support.plans import nodes
from tests.support.statements import statements_with_parameters

FOLLOW = "/api/v1/creators/{slug}/follow"
MY_FOLLOWS = "/api/v1/me/follows"


async def creators(resources: Resources, *slugs: str) -> list[Creator]:
    async with resources.unit_of_work() as session:
        return [await make.creator(session, slug=slug, display_name=slug) for slug in slugs]


async def test_follow_is_idempotent(make_user: UserFactory, api_resources: Resources) -> None:
    fan = await make_user()
    [gordikey] = await creators(api_resources, "gordikey")

    first = await fan.client.put(FOLLOW.format(slug="gordikey"))
    second = await fan.client.put(FOLLOW.format(slug="gordikey"))

    assert first.status_code == second.status_code == 204
    [row] = await all_rows(api_resources, Follow)
    assert (row.follower_id, row.creator_id) == (fan.id, gordikey.id)


async def test_unfollow_is_idempotent(make_user: UserFactory, api_resources: Resources) -> None:
    fan = await make_user()
    await creators(api_resources, "gordikey", "other")
    await fan.client.put(FOLLOW.format(slug="gordikey"))
    await fan.client.put(FOLLOW.format(slug="other"))

    first = await fan.client.delete(FOLLOW.format(slug="gordikey"))
    second = await fan.client.delete(FOLLOW.format(slug="gordikey"))

    assert first.status_code == second.status_code == 204
    [remaining] = await all_rows(api_resources, Follow)
    [other] = await all_rows(api_resources, Creator, Creator.slug == "other")
    assert remaining.creator_id == other.id


async def test_nobody_follows_their_own_page(
    make_user: UserFactory, api_resources: Resources
) -> None:
    creator = await make_user()
    await become_creator(creator.client, "gordikey")

    response = await creator.client.put(FOLLOW.format(slug="gordikey"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cannot_follow_self"
    assert await count(api_resources, Follow) == 0
    assert (await creator.client.delete(FOLLOW.format(slug="gordikey"))).status_code == 204


@pytest.mark.parametrize("slug", ["nobody", "Gordikey", "a", "gordi--key"])
async def test_following_an_unknown_creator_is_not_found(
    slug: str, make_user: UserFactory, api_resources: Resources
) -> None:
    fan = await make_user()
    await creators(api_resources, "gordikey")

    for method in ("PUT", "DELETE"):
        response = await fan.client.request(method, FOLLOW.format(slug=slug))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "creator_not_found"
    assert await count(api_resources, Follow) == 0


async def test_a_deleted_creator_cannot_be_followed(
    make_user: UserFactory, api_resources: Resources
) -> None:
    fan = await make_user()
    [gordikey] = await creators(api_resources, "gordikey")
    async with api_resources.unit_of_work() as session:
        owner = await session.get(User, gordikey.user_id)
        assert owner is not None
        owner.deleted_at = datetime.now(UTC)

    response = await fan.client.put(FOLLOW.format(slug="gordikey"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "creator_not_found"
    assert await count(api_resources, Follow) == 0


async def test_follows_need_a_session_and_the_csrf_header(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    await creators(api_resources, "gordikey")
    fan = await make_user()
    del fan.client.headers["X-CSRF-Token"]

    for method in ("PUT", "DELETE"):
        anonymous = await api_client.request(method, FOLLOW.format(slug="gordikey"))
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "not_authenticated"
        forged = await fan.client.request(method, FOLLOW.format(slug="gordikey"))
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "csrf_failed"
    assert (await api_client.get(MY_FOLLOWS)).status_code == 401
    assert await count(api_resources, Follow) == 0


async def test_my_follows_page_through_every_followed_creator_once(
    make_user: UserFactory, api_resources: Resources
) -> None:
    fan, other_fan = await make_user(), await make_user()
    slugs = [f"creator-{n}" for n in range(7)]
    await creators(api_resources, *slugs, "not-followed")
    for slug in slugs:
        await fan.client.put(FOLLOW.format(slug=slug))
    await other_fan.client.put(FOLLOW.format(slug="not-followed"))

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = await fan.client.get(MY_FOLLOWS, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 3
        seen += [item["creator"]["slug"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(slugs)
    assert len(seen) == len(set(seen))
    assert pages == 3
    item = (await fan.client.get(MY_FOLLOWS)).json()["items"][0]
    assert set(item) == {"creator", "followed_at"}
    assert set(item["creator"]) == {"id", "slug", "display_name", "avatar"}


async def test_my_follows_show_avatars(make_user: UserFactory, api_resources: Resources) -> None:
    fan = await make_user()
    [gordikey] = await creators(api_resources, "gordikey")
    avatar = await image(api_resources, gordikey.user_id)
    async with api_resources.unit_of_work() as session:
        row = await session.get(Creator, gordikey.id)
        assert row is not None
        row.avatar_asset_id = avatar
    await fan.client.put(FOLLOW.format(slug="gordikey"))

    [item] = (await fan.client.get(MY_FOLLOWS)).json()["items"]

    assert item["creator"]["avatar"]["id"] == str(avatar)
    assert item["creator"]["avatar"]["urls"]


async def test_my_follows_run_the_same_queries_whatever_the_page_size(
    make_user: UserFactory, api_resources: Resources
) -> None:
    fan = await make_user()
    made = await creators(api_resources, *[f"creator-{n}" for n in range(25)])
    for creator in made:
        avatar = await image(api_resources, creator.user_id)
        async with api_resources.unit_of_work() as session:
            row = await session.get(Creator, creator.id)
            assert row is not None
            row.avatar_asset_id = avatar
        await fan.client.put(FOLLOW.format(slug=creator.slug))

    counted = {}
    for limit in (2, 20):
        with statements_with_parameters(api_resources.engine) as seen:
            response = await fan.client.get(MY_FOLLOWS, params={"limit": limit})
        assert len(response.json()["items"]) == limit
        counted[limit] = len(seen)

    assert counted[2] == counted[20]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not a cursor"},
        {"cursor": encode_cursor(datetime.now(UTC), uuid.uuid4())},
        {"cursor": encode_cursor("creator-1")},
    ],
)
async def test_bad_cursors_are_refused(params: dict[str, str], make_user: UserFactory) -> None:
    fan = await make_user()

    response = await fan.client.get(MY_FOLLOWS, params=params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
async def test_bad_limits_are_refused(limit: str, make_user: UserFactory) -> None:
    fan = await make_user()

    response = await fan.client.get(MY_FOLLOWS, params={"limit": limit})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_a_page_of_follows_reads_a_page_of_rows(
    make_user: UserFactory, api_resources: Resources, database_url: str
) -> None:
    """With 20 000 follows, a page deep in the list reads O(page) rows through indexes."""
    fan = await make_user()
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute(
            """
            INSERT INTO users (id, email, password_hash, display_name)
            SELECT gen_random_uuid(), 'c' || n || '@example.cz', 'x', 'C' || n
            FROM generate_series(1, 20000) AS n;
            INSERT INTO creators (id, user_id, slug, display_name)
            SELECT gen_random_uuid(), id, 'creator-' || row_number() OVER (), 'Creator'
            FROM users WHERE email LIKE 'c%@example.cz';
            INSERT INTO follows (follower_id, creator_id) SELECT $1::uuid, id FROM creators;
            INSERT INTO follows (follower_id, creator_id)
            SELECT u.id, c.id FROM (SELECT id FROM users LIMIT 2000) AS u,
                                   (SELECT id FROM creators LIMIT 5) AS c
            ON CONFLICT DO NOTHING;
            ANALYZE;
            """.replace("$1::uuid", f"'{fan.id}'::uuid")
        )
        # Deep in the list: the page must not cost the rows before it.
        deep = await connection.fetchval(
            "SELECT creator_id FROM follows WHERE follower_id = $1 "
            "ORDER BY creator_id OFFSET 10000 LIMIT 1",
            fan.id,
        )
        with statements_with_parameters(api_resources.engine) as seen:
            response = await fan.client.get(
                MY_FOLLOWS, params={"limit": 20, "cursor": encode_cursor(deep)}
            )
        assert len(response.json()["items"]) == 20
        [(query, parameters)] = [item for item in seen if "FROM follows" in item[0]]
        raw = await connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", *parameters)
    finally:
        await connection.close()

    plan = list(nodes(json.loads(raw)[0]["Plan"]))
    kinds = [(node["Node Type"], node.get("Relation Name")) for node in plan]
    assert "Seq Scan" not in {kind for kind, _ in kinds}, kinds
    for node in plan:
        read = node["Actual Rows"] * node.get("Actual Loops", 1)
        read += node.get("Rows Removed by Filter", 0)
        assert read <= 2 * 21, (node["Node Type"], node.get("Relation Name"), read)


async def test_only_my_own_follows_are_listed(
    make_user: UserFactory, api_resources: Resources
) -> None:
    fan, other = await make_user(), await make_user()
    await creators(api_resources, "mine", "theirs")
    await fan.client.put(FOLLOW.format(slug="mine"))
    await other.client.put(FOLLOW.format(slug="theirs"))

    items = (await fan.client.get(MY_FOLLOWS)).json()["items"]

    assert [item["creator"]["slug"] for item in items] == ["mine"]
