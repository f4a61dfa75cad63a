"""Follow rules. Flushes, never commits.

Following is free and idempotent: following twice or unfollowing what you do not follow is a
success that changes nothing. Nobody follows their own page (409 ``cannot_follow_self``): the
owner already sees everything, and a self-follow would only pad the follower count.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.creators import service as creators
from pickey_api.creators.images import profile_images
from pickey_api.creators.schemas import CreatorSummary
from pickey_api.follows import repository
from pickey_api.follows.schemas import FollowRead
from pickey_api.public_cache.creator_pages import PageInvalidation
from pickey_core.errors import Conflict
from pickey_core.models import User
from pickey_core.pagination import Page, decode_cursor, page_of
from pickey_core.storage import Storage


class CannotFollowSelf(Conflict):
    code = "cannot_follow_self"


async def follow(session: AsyncSession, user: User, slug: str, pages: PageInvalidation) -> None:
    creator = await creators.by_slug(session, slug)
    if creator.user_id == user.id:
        raise CannotFollowSelf("This is your own page.")
    if await repository.add(session, user.id, creator.id):
        pages.forget(creator.slug)


async def unfollow(session: AsyncSession, user: User, slug: str, pages: PageInvalidation) -> None:
    creator = await creators.by_slug(session, slug)
    if await repository.remove(session, user.id, creator.id):
        pages.forget(creator.slug)


async def my_follows(
    session: AsyncSession, storage: Storage, user: User, cursor: str | None, limit: int
) -> Page[FollowRead]:
    """A page of the creators ``user`` follows, in two queries whatever the page size.

    The order is the follows table's primary key (follower, creator id): stable and cheap, but
    not "newest first", which would need an index on (follower_id, created_at).
    """
    after = decode_cursor(cursor, uuid.UUID)[0] if cursor is not None else None
    rows = await repository.page_of_follows(session, user.id, after, limit + 1)
    avatars = await profile_images(session, storage, [c.avatar_asset_id for _, c in rows[:limit]])
    items = [
        FollowRead(
            creator=CreatorSummary(
                id=creator.id,
                slug=creator.slug,
                display_name=creator.display_name,
                avatar=avatars.get(creator.avatar_asset_id) if creator.avatar_asset_id else None,
            ),
            followed_at=follow.created_at,
        )
        for follow, creator in rows
    ]
    return page_of(items, limit, lambda item: (item.creator.id,))
