"""Every write that changes a public creator page forgets its cached copy after the commit.

The race each test stages: a reader that read the old rows just before the write commits puts
the old page back in Redis (done here at the database's ``commit`` event). A write that forgets
the page before its commit, or not at all, leaves that stale copy in the cache; a write that
forgets it after the commit leaves no key behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from sqlalchemy import event

from pickey_api.posts.tasks import publish_due_posts
from pickey_core.models import Post, PostStatus, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory

SLUG = "gordikey"
PAGE = f"/api/v1/creators/{SLUG}"
KEY = f"pickey:creator-page:{SLUG}"
STALE = b"a page read before the write committed"


@dataclass
class Page:
    owner: ApiUser
    follower: ApiUser
    stranger: ApiUser
    tier_id: uuid.UUID
    archived_tier_id: uuid.UUID
    draft_id: uuid.UUID
    listed_id: uuid.UUID


@pytest.fixture
async def page(make_user: UserFactory, api_resources: Resources) -> Page:
    owner, follower, stranger = [await make_user() for _ in range(3)]
    async with api_resources.unit_of_work() as session:
        owner_row = await session.get(User, owner.id)
        follower_row = await session.get(User, follower.id)
        assert owner_row is not None
        assert follower_row is not None
        creator = await make.creator(session, owner_row, slug=SLUG)
        tier = await make.tier(session, creator, 5900, name="Na granulkey", position=0)
        archived = await make.tier(
            session, creator, 2900, name="Stará", position=1, archived_at=datetime.now(UTC)
        )
        await make.follow(session, follower_row, creator)
        draft = await make.post(session, creator, status=PostStatus.DRAFT)
        listed = await make.post(session, creator)
    return Page(owner, follower, stranger, tier.id, archived.id, draft.id, listed.id)


@contextmanager
def stale_page_refilled_at_commit(resources: Resources, redis_url: str) -> Iterator[None]:
    """Put the stale page back in the cache whenever a transaction commits."""
    client = redis.Redis.from_url(redis_url)

    def refill(conn: Any) -> None:
        client.set(KEY, STALE)

    event.listen(resources.engine.sync_engine, "commit", refill)
    try:
        yield
    finally:
        event.remove(resources.engine.sync_engine, "commit", refill)
        client.close()


Write = Callable[[Page, Resources], Awaitable[int | None]]


def http(
    method: str, path: str, body: Callable[[Page], Any] | None = None, *, who: str = "owner"
) -> Write:
    async def write(page: Page, resources: Resources) -> int | None:
        user: ApiUser = getattr(page, who)
        json = body(page) if body is not None else None
        response = await user.client.request(method, path.format(page=page), json=json)
        return response.status_code

    return write


async def scheduled_publishing(page: Page, resources: Resources) -> int | None:
    async with resources.unit_of_work() as session:
        post = await session.get(Post, page.draft_id)
        assert post is not None
        post.status = PostStatus.SCHEDULED
        post.publish_at = datetime.now(UTC) - timedelta(seconds=1)
    assert await publish_due_posts({"resources": resources}) == 1
    return None


WRITES: dict[str, tuple[Write, int | None]] = {
    "profile edit": (http("PATCH", "/api/v1/creators/me", lambda _: {"bio": "Nový."}), 200),
    "follow": (http("PUT", f"{PAGE}/follow", who="stranger"), 204),
    "unfollow": (http("DELETE", f"{PAGE}/follow", who="follower"), 204),
    "tier created": (
        http(
            "POST",
            "/api/v1/creators/me/tiers",
            lambda _: {"name": "Na pamlsky", "price_amount": 3900, "currency": "CZK"},
        ),
        201,
    ),
    "tier edited": (
        http("PATCH", "/api/v1/tiers/{page.tier_id}", lambda _: {"name": "Granule"}),
        200,
    ),
    "tier archived": (http("POST", "/api/v1/tiers/{page.tier_id}/archive"), 200),
    "tier unarchived": (http("POST", "/api/v1/tiers/{page.archived_tier_id}/unarchive"), 200),
    "tiers reordered": (
        http(
            "PUT",
            "/api/v1/creators/me/tiers/order",
            lambda page: {"tier_ids": [str(page.tier_id)]},
        ),
        200,
    ),
    "post published": (http("POST", "/api/v1/posts/{page.draft_id}/publish"), 200),
    "post edited": (
        http("PATCH", "/api/v1/posts/{page.listed_id}", lambda _: {"title": "Klacek"}),
        200,
    ),
    "post deleted": (http("DELETE", "/api/v1/posts/{page.listed_id}"), 204),
    "scheduled publishing": (scheduled_publishing, None),
}


@pytest.mark.parametrize("name", list(WRITES))
async def test_the_cached_page_is_forgotten_after_the_write_commits(
    name: str, page: Page, api_resources: Resources, redis_url: str
) -> None:
    write, expected_status = WRITES[name]
    await page.stranger.client.get(PAGE)
    assert await api_resources.redis.get(KEY) is not None  # cached by the read

    with stale_page_refilled_at_commit(api_resources, redis_url):
        status = await write(page, api_resources)

    assert status == expected_status
    assert await api_resources.redis.get(KEY) is None
