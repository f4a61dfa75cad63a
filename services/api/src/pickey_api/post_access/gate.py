"""The post gate: one answer to "may this caller know, read or change this post?".

* **Listed** (:func:`listed_post`): published, not deleted, media ready
  (:func:`pickey_core.post_readiness.is_listed`). Anyone may know a listed post exists.
* **Known** (:func:`known_post`): listed, or the caller's own (drafts, scheduled posts and posts
  whose media is still processing exist for their creator only). Everything else is 404
  ``post_not_found``: the existence of someone's draft is not revealed.
* **Readable** (:func:`readable_post`): listed and the caller may read its content
  (:mod:`pickey_api.post_access.entitlements`); a listed post shown as a teaser is 403
  ``post_locked``. Comments, likes, votes and realtime channels are part of the content, so
  an unlisted post has no conversation yet, its creator's included.
* **Own** (:func:`own_post`, for writes, locked): the caller's post and profile. Someone else's
  post is 403 ``not_post_owner`` when the caller may know it exists (listed), 404 otherwise.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.post_access import repository
from pickey_api.post_access.entitlements import Access, access_to
from pickey_core.errors import InvalidInput, NotPermitted
from pickey_core.http.creators import creator_of
from pickey_core.models import Creator, Post
from pickey_core.post_readiness import PostNotFound, is_listed


class PostLocked(NotPermitted):
    code = "post_locked"


class NotPostOwner(NotPermitted):
    code = "not_post_owner"


class KindMismatch(InvalidInput):
    """The post's kind has no such part (a poll on a photo post, a video upload on a text post)."""

    code = "kind_mismatch"


def _not_found() -> PostNotFound:
    return PostNotFound("There is no such post.")


async def listed_post(session: AsyncSession, post_id: uuid.UUID) -> Post:
    """The post if anyone may know it exists; 404 otherwise."""
    post = await repository.get_post(session, post_id)
    if post is None or not is_listed(post):
        raise _not_found()
    return post


async def known_post(
    session: AsyncSession, viewer_id: uuid.UUID | None, post_id: uuid.UUID
) -> Post:
    """The post if this viewer may know it exists: listed, or their own."""
    post = await repository.get_post(session, post_id)
    if post is None:
        raise _not_found()
    if not is_listed(post):
        creator = await creator_of(session, viewer_id)
        if creator is None or creator.id != post.creator_id:
            raise _not_found()
    return post


async def readable_post(
    session: AsyncSession, viewer_id: uuid.UUID | None, post_id: uuid.UUID
) -> tuple[Post, Access]:
    """The listed post and the viewer's access to it, if the viewer may read its content."""
    post = await listed_post(session, post_id)
    access = await access_to(session, viewer_id, post)
    if access is Access.TEASER:
        raise PostLocked("Only the post's members can see and join its conversation.")
    return post, access


async def own_post(
    session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID
) -> tuple[Creator, Post]:
    """The caller's own post, locked for the write (concurrent writes to one post take turns)."""
    post = await repository.get_post(session, post_id, for_update=True)
    if post is None or post.deleted_at is not None:
        raise _not_found()
    creator = await creator_of(session, user_id)
    if creator is None or creator.id != post.creator_id:
        if is_listed(post):
            raise NotPostOwner("Only the post's creator may change it.")
        raise _not_found()
    return creator, post
