"""Like rules. Flushes, never commits: the request boundary commits.

Liking follows :mod:`pickey_api.post_access.gate`: only the post's creator and viewers who may read
it like it (403 ``post_locked`` for a teaser, 404 for a post that is not listed). A like says
"I enjoyed this", so it counts readers; a like count on a locked post would otherwise count
people who never saw it. Removing your own like needs only a listed post: a fan whose
membership lapsed can still take their like back.

Both operations are idempotent: liking twice or unliking what is not liked is a 204 no-op.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.likes import repository
from pickey_api.post_access.gate import listed_post, readable_post


async def like(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    await readable_post(session, user_id, post_id)
    await repository.add(session, post_id, user_id)


async def unlike(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> None:
    await listed_post(session, post_id)
    await repository.remove(session, post_id, user_id)
