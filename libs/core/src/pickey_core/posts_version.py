"""``creators.posts_version``: the key under which the api caches a creator's post lists.

The api owns the ``creators`` table, but more than the api changes what those lists show: the
media service makes posts ready, attaches live recordings and moves live streams between states.
Every such writer bumps the version in its own transaction, through this one function, so a
cached list is never read under a version that its content has outlived.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator


async def bump_posts_version(
    session: AsyncSession, creator_ids: uuid.UUID | Collection[uuid.UUID]
) -> None:
    """Make the cached post lists of these creators stale (in the caller's transaction).

    Several creators are updated in id order, so two transactions bumping overlapping sets take
    the row locks in the same order and cannot deadlock on them.
    """
    ids = {creator_ids} if isinstance(creator_ids, uuid.UUID) else set(creator_ids)
    if ids:
        await session.execute(
            update(Creator)
            .where(Creator.id.in_(sorted(ids)))
            .values(posts_version=Creator.posts_version + 1)
        )
