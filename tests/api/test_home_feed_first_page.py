"""The home feed's first page comes from the ids remembered in Redis while nothing that decides it
changed (issue 14, goal P2). Every change a fan or creator makes shows on the very next read:
each test reads the feed (filling the cache), changes one thing the way the product does, and
reads again. Redis trouble and entries of another shape are misses, never errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy import update

from pickey_api.feeds.cache import FirstPage, FirstPages
from pickey_core import post_readiness
from pickey_core.models import MediaAsset, MediaStatus, Membership, MembershipStatus, Post
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import PASSWORD, ApiUser, UserFactory
from tests.support.posts import Author, Login, create, fan, image, new_author, publish

FEED = "/api/v1/feed"


async def feed_ids(viewer: ApiUser, **params: Any) -> list[str]:
    response = await viewer.client.get(FEED, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def remembered(resources: Resources, viewer: ApiUser, limit: int = 20) -> FirstPage | None:
    return await FirstPages(resources.redis, 60).get(viewer.id, limit)


async def published(author: Author, **fields: Any) -> str:
    post = await create(author, **fields)
    await publish(author, post["id"])
    return str(post["id"])


async def test_a_repeated_read_uses_the_remembered_page(
    author: Author, login: Login, api_resources: Resources
) -> None:
    first = await published(author)
    second = await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)

    assert await remembered(api_resources, viewer) is None
    assert await feed_ids(viewer) == [second, first]
    kept = await remembered(api_resources, viewer)
    assert kept is not None
    assert [str(post_id) for _, post_id in kept.posts] == [second, first]
    assert await feed_ids(viewer) == [second, first]
    assert await remembered(api_resources, viewer) == kept


async def test_a_new_post_shows_at_once(
    author: Author, login: Login, api_resources: Resources
) -> None:
    old = await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)
    assert await feed_ids(viewer) == [old]

    new = await published(author, title="Nový klacek")

    assert await feed_ids(viewer) == [new, old]


async def test_a_deleted_post_goes_at_once(
    author: Author, login: Login, api_resources: Resources
) -> None:
    kept, gone = await published(author), await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)
    assert await feed_ids(viewer) == [gone, kept]

    response = await author.client.delete(f"/api/v1/posts/{gone}")
    assert response.status_code == 204, response.text

    assert await feed_ids(viewer) == [kept]


async def test_following_and_unfollowing_change_the_next_read(
    author: Author, login: Login, api_resources: Resources
) -> None:
    other = await new_author(login, api_resources)
    mine, theirs = await published(author), await published(other)
    viewer = await fan(login, api_resources, follows=author.creator)
    assert await feed_ids(viewer) == [mine]

    follow = await viewer.client.put(f"/api/v1/creators/{other.creator.slug}/follow")
    assert follow.status_code == 204, follow.text
    assert await feed_ids(viewer) == [theirs, mine]

    unfollow = await viewer.client.delete(f"/api/v1/creators/{author.creator.slug}/follow")
    assert unfollow.status_code == 204, unfollow.text
    assert await feed_ids(viewer) == [theirs]


async def test_a_lapsed_membership_drops_its_creator(
    author: Author, login: Login, api_resources: Resources
) -> None:
    """Payments lapses memberships in its own transactions: the sources read by the feed's
    statement change, whoever wrote them."""
    post = await published(author)
    viewer = await fan(login, api_resources, member_of=author.steaky)
    assert await feed_ids(viewer) == [post]

    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.fan_id == viewer.id)
            .values(status=MembershipStatus.LAPSED)
        )

    assert await feed_ids(viewer) == []


async def test_media_becoming_ready_shows_the_post(
    author: Author, login: Login, api_resources: Resources
) -> None:
    """The media service makes a photo post listed through ``settle_media_change``."""
    text_post = await published(author)
    asset = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)
    photo = await published(author, kind="photo", media_asset_ids=[str(asset)])
    viewer = await fan(login, api_resources, follows=author.creator)
    assert await feed_ids(viewer) == [text_post]

    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(MediaAsset).where(MediaAsset.id == asset).values(status=MediaStatus.READY)
        )
        row = await session.get(Post, uuid.UUID(photo), with_for_update=True)
        assert row is not None
        assert await post_readiness.settle_media_change(session, row, datetime.now(UTC))

    assert await feed_ids(viewer) == [photo, text_post]


async def test_a_post_hidden_without_a_version_bump_is_still_not_shown(
    author: Author, login: Login, api_resources: Resources
) -> None:
    """The remembered ids are checked visible again on every read: even a write that forgot to
    bump ``posts_version`` cannot show a deleted post."""
    kept, gone = await published(author), await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)
    assert await feed_ids(viewer) == [gone, kept]

    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(Post).where(Post.id == uuid.UUID(gone)).values(deleted_at=datetime.now(UTC))
        )

    assert await feed_ids(viewer) == [kept]


async def test_an_entry_of_another_shape_is_a_miss(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)
    key = FirstPages.key(viewer.id, 20)
    await api_resources.redis.set(key, b"not a page")
    assert await feed_ids(viewer) == [post]
    # the first release's shape: a digest, then ids alone (its digest matches the sources)
    kept = await remembered(api_resources, viewer)
    assert kept is not None
    await api_resources.redis.set(key, kept.digest.encode() + uuid.UUID(post).bytes * 3)

    assert await feed_ids(viewer) == [post]
    kept = await remembered(api_resources, viewer)
    assert kept is not None
    assert [post_id for _, post_id in kept.posts] == [uuid.UUID(post)]


async def test_a_remembered_page_round_trips_through_its_encoding() -> None:
    posts = [
        (datetime(2026, 12, 7, 2, 3, 4, 567_891, tzinfo=UTC), uuid.uuid4()),
        (datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), uuid.uuid4()),
    ]
    page = FirstPage("a" * 32, posts)

    assert FirstPage.decoded(page.encoded()) == page
    assert FirstPage.decoded(FirstPage("a" * 32, []).encoded()) == FirstPage("a" * 32, [])
    assert FirstPage.decoded(page.encoded()[:-1]) is None


async def test_a_remembered_page_of_other_posts_is_not_trusted_without_its_digest(
    author: Author, login: Login, api_resources: Resources
) -> None:
    """An entry whose digest does not match (another fan's page, an old release) is ignored."""
    post = await published(author)
    stranger = await new_author(login, api_resources)
    foreign = await published(stranger)
    viewer = await fan(login, api_resources, follows=author.creator)
    forged = FirstPage("0" * 32, [(datetime.now(UTC), uuid.UUID(foreign))])
    await FirstPages(api_resources.redis, 60).put(viewer.id, 20, forged)

    assert await feed_ids(viewer) == [post]


async def test_each_page_size_is_remembered_apart_and_later_pages_follow_the_first(
    author: Author, login: Login, api_resources: Resources
) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    async with api_resources.unit_of_work() as session:
        posts = [
            await make.post(session, author.creator, published_at=start + timedelta(minutes=n))
            for n in range(5)
        ]
    newest_first = [str(post.id) for post in reversed(posts)]
    viewer = await fan(login, api_resources, follows=author.creator)

    for _ in range(2):  # the first read fills the cache, the second uses it
        assert await feed_ids(viewer, limit=2) == newest_first[:2]
        assert await feed_ids(viewer, limit=3) == newest_first[:3]
        response = await viewer.client.get(FEED, params={"limit": 2})
        cursor = response.json()["next_cursor"]
        assert await feed_ids(viewer, limit=2, cursor=cursor) == newest_first[2:4]


async def test_a_redis_that_refuses_connections_is_a_miss(
    author: Author, login: Login, api_resources: Resources
) -> None:
    """A miss on read and a no-op on write (the feed is then read from the database)."""
    post = await published(author)
    viewer = await fan(login, api_resources, follows=author.creator)
    dead = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    pages = FirstPages(dead, 60)
    try:
        assert await pages.get(viewer.id, 20) is None
        await pages.put(viewer.id, 20, FirstPage("0" * 32, [(datetime.now(UTC), uuid.UUID(post))]))
    finally:
        await dead.aclose()
    assert await feed_ids(viewer) == [post]


async def test_deleting_the_account_forgets_its_remembered_pages(
    author: Author, make_user: UserFactory, login: Login, api_resources: Resources
) -> None:
    """Which creators a person read goes with their account, not when the entry expires; other
    fans' entries stay."""
    post = await published(author)
    leaving = await make_user()
    staying = await fan(login, api_resources, follows=author.creator)
    followed = await leaving.client.put(f"/api/v1/creators/{author.creator.slug}/follow")
    assert followed.status_code == 204, followed.text
    for viewer in (leaving, staying):
        assert await feed_ids(viewer) == [post]
        assert await feed_ids(viewer, limit=5) == [post]
    assert await remembered(api_resources, leaving, 5) is not None

    deleted = await leaving.client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}
    )

    assert deleted.status_code == 204, deleted.text
    assert await remembered(api_resources, leaving) is None
    assert await remembered(api_resources, leaving, 5) is None
    assert await remembered(api_resources, staying) is not None
