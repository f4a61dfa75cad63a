"""The lists of posts: a creator's page, the home feed, the creator's dashboard, and the cache
of the public first page."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import RedisDsn
from sqlalchemy import update

from pickey_api.app import create_app
from pickey_api.posts.tasks import publish_due_posts
from pickey_api.settings import ApiSettings
from pickey_api.worker_resources import ApiWorkerResources
from pickey_core.models import (
    Comment,
    Creator,
    Like,
    MediaStatus,
    MembershipStatus,
    Post,
    PostAccess,
    PostStatus,
    User,
)
from pickey_core.queue.connection import create_redis
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import BASE_URL
from tests.support.errors import assert_error
from tests.support.posts import (
    POSTS,
    Author,
    Login,
    create,
    fan,
    image,
    new_author,
    publish,
)
from tests.support.workers import job_context

FEED = "/api/v1/feed"
DASHBOARD = "/api/v1/creators/me/posts"


def creator_posts(author: Author) -> str:
    return f"/api/v1/creators/{author.creator.slug}/posts"


async def seed_posts(resources: Resources, author: Author, n: int, **fields: Any) -> list[Post]:
    """``n`` published posts, one minute apart, newest last in the list."""
    start = datetime.now(UTC) - timedelta(days=1)
    async with resources.unit_of_work() as session:
        return [
            await make.post(
                session,
                author.creator,
                title=f"Post {i}",
                published_at=start + timedelta(minutes=i),
                **fields,
            )
            for i in range(n)
        ]


async def read_all(client: httpx.AsyncClient, url: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


# A creator's page


async def test_a_creator_page_lists_only_visible_posts_newest_first(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    visible = await seed_posts(api_resources, author, 3)
    async with api_resources.unit_of_work() as session:
        await make.post(session, author.creator, status=PostStatus.DRAFT, title="draft")
        await make.post(
            session,
            author.creator,
            status=PostStatus.SCHEDULED,
            title="scheduled",
            publish_at=datetime.now(UTC) + timedelta(days=1),
        )
        await make.post(session, author.creator, title="deleted", deleted_at=datetime.now(UTC))
        await make.post(session, author.creator, title="processing", media_ready=False)
        other = await make.creator(session)
        await make.post(session, other, title="someone else's")

    response = await api_client.get(creator_posts(author))

    assert response.status_code == 200
    page = response.json()
    assert [p["title"] for p in page["items"]] == ["Post 2", "Post 1", "Post 0"]
    assert [p["id"] for p in page["items"]] == [str(p.id) for p in reversed(visible)]
    assert page["next_cursor"] is None


async def test_pages_follow_each_other_without_gaps_or_repeats(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    posts = await seed_posts(api_resources, author, 23)
    async with api_resources.unit_of_work() as session:  # ties on published_at break by id
        same_time = datetime.now(UTC) - timedelta(hours=1)
        tied = [await make.post(session, author.creator, published_at=same_time) for _ in range(4)]

    items = await read_all(api_client, creator_posts(author), limit=5)

    expected = sorted([*posts, *tied], key=lambda p: (p.published_at, p.id), reverse=True)
    assert [p["id"] for p in items] == [str(p.id) for p in expected]


async def test_members_posts_are_teasers_on_the_page(
    author: Author, login: Login, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    async with api_resources.unit_of_work() as session:
        await make.post(
            session, author.creator, access=PostAccess.MEMBERS, tiers=[author.steaky], body="Tajné"
        )
    member = await fan(login, api_resources, member_of=author.steaky)

    [teaser] = (await api_client.get(creator_posts(author))).json()["items"]
    [full] = (await member.client.get(creator_posts(author))).json()["items"]

    assert (teaser["viewer_access"], teaser["body"]) == ("teaser", None)
    assert [t["name"] for t in teaser["unlocking_tiers"]] == ["Na steaky"]
    assert (full["viewer_access"], full["body"]) == ("full", "Tajné")


async def test_likes_and_comments_are_counted_per_post(
    author: Author, login: Login, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    liked, quiet = await seed_posts(api_resources, author, 2)
    viewer = await fan(login, api_resources)
    async with api_resources.unit_of_work() as session:
        others = [await make.user(session) for _ in range(2)]
        for user_id in [viewer.id, *(o.id for o in others)]:
            session.add(Like(post_id=liked.id, user_id=user_id))
        session.add(Like(post_id=quiet.id, user_id=others[0].id))
        for n in range(3):
            session.add(Comment(post_id=liked.id, author_id=others[0].id, body=f"Hezké {n}"))
        session.add(
            Comment(
                post_id=liked.id, author_id=others[1].id, body="x", deleted_at=datetime.now(UTC)
            )
        )

    mine = {p["id"]: p for p in (await viewer.client.get(creator_posts(author))).json()["items"]}
    anonymous = {p["id"]: p for p in (await api_client.get(creator_posts(author))).json()["items"]}

    assert (mine[str(liked.id)]["like_count"], mine[str(liked.id)]["liked"]) == (3, True)
    assert mine[str(liked.id)]["comment_count"] == 3  # the deleted one does not count
    assert (mine[str(quiet.id)]["like_count"], mine[str(quiet.id)]["liked"]) == (1, False)
    assert mine[str(quiet.id)]["comment_count"] == 0
    assert anonymous[str(liked.id)]["liked"] is False
    assert anonymous[str(liked.id)]["like_count"] == 3


@pytest.mark.parametrize("slug", ["nobody-here", "Nobody", "a%00b", "x" * 64, "%ED%A0%80"])
async def test_an_unknown_creator_is_404(api_client: httpx.AsyncClient, slug: str) -> None:
    response = await api_client.get(f"/api/v1/creators/{slug}/posts")

    assert_error(response, 404, "creator_not_found")


def forged_cursor(parts: Any) -> str:
    raw = json.dumps(parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = [
    "not a cursor",
    "!!!!",
    forged_cursor([["int", 1]]),
    forged_cursor([["datetime", "2024-01-01T00:00:00"], ["uuid", str(uuid.uuid4())]]),
    forged_cursor([["datetime", "yesterday"], ["uuid", str(uuid.uuid4())]]),
    forged_cursor([["uuid", str(uuid.uuid4())], ["datetime", "2024-01-01T00:00:00+00:00"]]),
    forged_cursor({"published_at": "2024-01-01"}),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
async def test_bad_cursors_are_400_on_every_list(
    author: Author, cursor: str, api_client: httpx.AsyncClient
) -> None:
    for client, url in [
        (api_client, creator_posts(author)),
        (author.client, creator_posts(author)),
        (author.client, FEED),
        (author.client, DASHBOARD),
    ]:
        assert_error(await client.get(url, params={"cursor": cursor}), 400, "invalid_cursor")


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"cursor": "x" * 513}]
)
async def test_bad_page_parameters_are_422(
    author: Author, params: dict[str, Any], api_client: httpx.AsyncClient
) -> None:
    for client, url in [
        (api_client, creator_posts(author)),
        (author.client, FEED),
        (author.client, DASHBOARD),
    ]:
        assert_error(await client.get(url, params=params), 422, "validation_error")


# The home feed


async def test_the_home_feed_merges_followed_and_member_creators_newest_first(
    login: Login, api_resources: Resources
) -> None:
    followed = await new_author(login, api_resources)
    joined = await new_author(login, api_resources)
    lapsed = await new_author(login, api_resources)
    stranger = await new_author(login, api_resources)
    start = datetime.now(UTC) - timedelta(days=1)
    expected: list[Post] = []
    async with api_resources.unit_of_work() as session:
        for n in range(12):
            source = followed if n % 2 else joined
            expected.append(
                await make.post(session, source.creator, published_at=start + timedelta(minutes=n))
            )
        expected.append(
            await make.post(
                session,
                followed.creator,
                access=PostAccess.MEMBERS,
                tiers=[followed.steaky],
                published_at=start + timedelta(minutes=30),
            )
        )
        for other in (lapsed, stranger):
            await make.post(session, other.creator, published_at=start + timedelta(minutes=40))
        await make.post(
            session, followed.creator, status=PostStatus.DRAFT, title="draft", published_at=None
        )
    viewer = await fan(login, api_resources, follows=followed.creator, member_of=joined.granulky)
    async with api_resources.unit_of_work() as session:
        viewer_row = await session.get(User, viewer.id)
        assert viewer_row is not None
        await make.membership(session, viewer_row, lapsed.granulky, MembershipStatus.LAPSED)

    items = await read_all(viewer.client, FEED, limit=4)

    expected.sort(key=lambda p: (p.published_at, p.id), reverse=True)
    assert [p["id"] for p in items] == [str(p.id) for p in expected]
    newest = items[0]
    assert newest["creator"]["slug"] == followed.creator.slug
    assert (newest["viewer_access"], newest["body"]) == ("teaser", None)
    assert {p["creator"]["slug"] for p in items} == {followed.creator.slug, joined.creator.slug}


async def test_a_creator_followed_and_joined_appears_once(
    author: Author, login: Login, api_resources: Resources
) -> None:
    posts = await seed_posts(api_resources, author, 3)
    viewer = await fan(login, api_resources, follows=author.creator, member_of=author.steaky)

    items = (await viewer.client.get(FEED)).json()["items"]

    assert [p["id"] for p in items] == [str(p.id) for p in reversed(posts)]


async def test_a_new_fan_has_an_empty_feed_and_anonymous_has_none(
    login: Login, api_resources: Resources, api_client: httpx.AsyncClient
) -> None:
    viewer = await fan(login, api_resources)

    assert (await viewer.client.get(FEED)).json() == {"items": [], "next_cursor": None}
    assert_error(await api_client.get(FEED), 401, "not_authenticated")


# The creator's dashboard


async def test_the_dashboard_lists_every_own_post_and_filters_by_status(
    author: Author, login: Login, api_resources: Resources
) -> None:
    draft = await create(author, title="Koncept")
    scheduled = await create(author, title="Na zítra")
    await author.client.post(
        f"{POSTS}/{scheduled['id']}/publish",
        json={"publish_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
    )
    published = await create(author, title="Venku")
    await publish(author, published["id"])
    processing = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)
    waiting = await create(author, kind="photo", title="Fotky", media_asset_ids=[str(processing)])
    await publish(author, waiting["id"])
    deleted = await create(author, title="Pryč")
    await author.client.delete(f"{POSTS}/{deleted['id']}")
    other = await new_author(login, api_resources)
    await create(other, title="Cizí")

    everything = await read_all(author.client, DASHBOARD, limit=2)
    by_status = {
        status: [
            p["title"]
            for p in (await author.client.get(DASHBOARD, params={"status": status})).json()["items"]
        ]
        for status in ("draft", "scheduled", "published")
    }

    assert [p["title"] for p in everything] == ["Fotky", "Venku", "Na zítra", "Koncept"]
    assert all(p["viewer_access"] == "owner" and p["editing"] for p in everything)
    assert by_status == {
        "draft": ["Koncept"],
        "scheduled": ["Na zítra"],
        "published": ["Fotky", "Venku"],
    }
    assert everything[0]["editing"]["media_ready"] is False
    assert draft["id"] == everything[-1]["id"]


async def test_the_dashboard_is_for_creators(
    login: Login, api_client: httpx.AsyncClient, author: Author
) -> None:
    user = await login()

    assert_error(await user.client.get(DASHBOARD), 403, "not_a_creator")
    assert_error(await api_client.get(DASHBOARD), 401, "not_authenticated")
    assert_error(
        await author.client.get(DASHBOARD, params={"status": "deleted"}), 422, "validation_error"
    )


# The cache of the public first page


async def change_title_behind_the_api(resources: Resources, post_id: uuid.UUID) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(update(Post).where(Post.id == post_id).values(title="Changed"))


async def titles(client: httpx.AsyncClient, author: Author, **params: Any) -> list[str]:
    response = await client.get(creator_posts(author), params=params)
    assert response.status_code == 200, response.text
    return [p["title"] for p in response.json()["items"]]


async def test_the_anonymous_first_page_is_cached_and_every_write_invalidates_it(
    author: Author, login: Login, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    [first] = await seed_posts(api_resources, author, 1)
    assert await titles(api_client, author) == ["Post 0"]

    await change_title_behind_the_api(api_resources, first.id)

    assert await titles(api_client, author) == ["Post 0"]  # served from Redis
    member = await fan(login, api_resources, follows=author.creator)
    assert await titles(member.client, author) == ["Changed"]  # logged in: never cached
    assert await titles(api_client, author, limit=5) == ["Changed"]  # another page size

    created = await create(author, title="Nový")  # a draft: the list is the same
    assert "Nový" not in await titles(api_client, author)
    await publish(author, created["id"])
    assert await titles(api_client, author) == ["Nový", "Changed"]

    await author.client.patch(f"{POSTS}/{created['id']}", json={"title": "Upravený"})
    assert await titles(api_client, author) == ["Upravený", "Changed"]

    await author.client.delete(f"{POSTS}/{created['id']}")
    assert await titles(api_client, author) == ["Changed"]

    scheduled = await create(author, title="Naplánovaný")
    await author.client.post(
        f"{POSTS}/{scheduled['id']}/publish",
        json={"publish_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
    )
    assert await titles(api_client, author) == ["Changed"]
    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(Post)
            .where(Post.id == uuid.UUID(scheduled["id"]))
            .values(publish_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    await publish_due_posts(job_context(api_resources, ApiWorkerResources(api_resources.settings)))  # type: ignore[arg-type]
    assert await titles(api_client, author) == ["Naplánovaný", "Changed"]


async def test_a_profile_change_refreshes_the_cached_page(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    await seed_posts(api_resources, author, 1)
    await api_client.get(creator_posts(author))
    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(Creator).where(Creator.id == author.creator.id).values(display_name="Gordík")
        )

    [post] = (await api_client.get(creator_posts(author))).json()["items"]

    assert post["creator"]["display_name"] == "Gordík"


async def test_the_page_is_served_when_redis_is_down(
    author: Author, api_settings: ApiSettings, api_resources: Resources
) -> None:
    await seed_posts(api_resources, author, 2)
    broken = api_settings.model_copy(update={"redis_url": RedisDsn("redis://127.0.0.1:1/0")})
    no_redis = dataclasses.replace(api_resources, redis=await create_redis(broken))
    app = create_app(api_settings, resources=no_redis)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL
        ) as client:
            response = await client.get(creator_posts(author))
    finally:
        await no_redis.redis.aclose()

    assert response.status_code == 200
    assert len(response.json()["items"]) == 2
