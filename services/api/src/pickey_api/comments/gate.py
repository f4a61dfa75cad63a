"""Who may interact with a post (comment on it, read its comments, like it).

One rule, documented once and used by comments and likes:

* A post that is not listed (draft, scheduled, deleted, media not ready), or that does not
  exist, is 404 ``post_not_found`` for everyone, its creator included: nobody else can take
  part in it, so it has no conversation yet.
* A listed post whose content the viewer may not read (a teaser: not a member of a tier that
  unlocks it, not unlocked) is 403 ``post_locked``: the viewer may know it exists (the feed
  shows its teaser) but its comments are part of its content, and likes count readers.
* Its creator and every entitled viewer (``Access.OWNER`` or ``Access.FULL`` in
  :mod:`pickey_api.posts.access`) may read comments, comment and like.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.posts.access import Access, access_to
from pickey_core.errors import NotFound, NotPermitted
from pickey_core.models import Post
from pickey_core.post_readiness import is_listed


class PostNotFound(NotFound):
    code = "post_not_found"


class PostLocked(NotPermitted):
    code = "post_locked"


async def listed_post(session: AsyncSession, post_id: uuid.UUID) -> Post:
    """The post if anyone may know it exists; 404 otherwise."""
    post = await session.get(Post, post_id)
    if post is None or not is_listed(post):
        raise PostNotFound("No such post.")
    return post


async def readable_post(
    session: AsyncSession, viewer_id: uuid.UUID | None, post_id: uuid.UUID
) -> tuple[Post, Access]:
    """The post and the viewer's access to it, if the viewer may read it (and so interact)."""
    post = await listed_post(session, post_id)
    access = await access_to(session, viewer_id, post)
    if access is Access.TEASER:
        raise PostLocked("Only the post's members can see and join its conversation.")
    return post, access
