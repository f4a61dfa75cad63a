"""Comment rules. Flushes, never commits: the request boundary commits.

Who may take part is :mod:`pickey_api.post_access.gate`. Beyond that:

* Replies are one level deep: ``parent_id`` names a top-level, not deleted comment of the same
  post. The list is flat and oldest first; a reply always comes after its parent, so the web
  app can thread a page as it arrives.
* Only the author edits a comment, and only while they may still read the post.
* The author, or the post's creator (moderation), deletes it. Deleting is soft: the row stays so
  replies keep their place, its text is erased and the list shows it as deleted. An author
  may delete their comment even after losing access to the post; deleting twice is a no-op.
* A new comment enqueues ``AnnounceComment`` through the outbox, in the comment's own
  transaction: the notifications service tells the post's creator and, for a reply, the
  parent's author (a rolled-back comment announces nothing).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.comments import repository
from pickey_api.comments.schemas import CommentCreate, CommentRead, CommentUpdate
from pickey_api.post_access.entitlements import owned_creator_ids
from pickey_api.post_access.gate import listed_post, readable_post
from pickey_core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from pickey_core.models import Comment, Post, User
from pickey_core.pagination import Page, decode_cursor, page_of
from pickey_core.queue.contracts import AnnounceComment
from pickey_core.queue.outbox import enqueue


class CommentNotFound(NotFound):
    code = "comment_not_found"


class NotCommentAuthor(NotPermitted):
    code = "not_comment_author"


class CommentDeleted(Conflict):
    code = "comment_deleted"


class ParentNotFound(InvalidInput):
    code = "parent_not_found"


class ReplyTooDeep(InvalidInput):
    code = "reply_too_deep"


class ParentDeleted(InvalidInput):
    code = "parent_deleted"


async def list_comments(
    session: AsyncSession,
    viewer_id: uuid.UUID | None,
    post_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> Page[CommentRead]:
    await readable_post(session, viewer_id, post_id)
    after: tuple[datetime, uuid.UUID] | None = None
    if cursor is not None:
        created_at, comment_id = decode_cursor(cursor, datetime, uuid.UUID)
        after = (created_at, comment_id)
    rows = await repository.page(session, post_id, after, limit + 1)
    items = [CommentRead.from_comment(comment, name) for comment, name in rows]
    return page_of(items, limit, lambda item: (item.created_at, item.id))


async def create_comment(
    session: AsyncSession, author: User, post_id: uuid.UUID, data: CommentCreate
) -> CommentRead:
    await readable_post(session, author.id, post_id)
    if data.parent_id is not None:
        await _check_parent(session, post_id, data.parent_id)
    comment = Comment(
        post_id=post_id, author_id=author.id, parent_id=data.parent_id, body=data.body
    )
    session.add(comment)
    await session.flush()
    enqueue(session, AnnounceComment(comment_id=comment.id))
    await session.refresh(comment)
    return CommentRead.from_comment(comment, author.display_name)


async def edit_comment(
    session: AsyncSession, editor: User, comment_id: uuid.UUID, data: CommentUpdate
) -> CommentRead:
    comment, _ = await _comment_on_listed_post(session, comment_id)
    await readable_post(session, editor.id, comment.post_id)
    if comment.author_id != editor.id:
        raise NotCommentAuthor("Only its author can edit a comment.")
    if comment.deleted_at is not None:
        raise CommentDeleted("A deleted comment cannot be edited.")
    comment.body = data.body
    await session.flush()
    await session.refresh(comment)
    return CommentRead.from_comment(comment, editor.display_name)


async def delete_comment(session: AsyncSession, user: User, comment_id: uuid.UUID) -> None:
    comment, post = await _comment_on_listed_post(session, comment_id)
    is_author = comment.author_id == user.id
    if not is_author and post.creator_id not in await owned_creator_ids(session, user.id):
        # Someone who may not read the post learns no more than that (403 post_locked).
        await readable_post(session, user.id, post.id)
        raise NotCommentAuthor("Only its author or the post's creator can delete a comment.")
    if comment.deleted_at is None:
        comment.deleted_at = datetime.now(UTC)
        comment.body = ""
        await session.flush()


async def _comment_on_listed_post(
    session: AsyncSession, comment_id: uuid.UUID
) -> tuple[Comment, Post]:
    """The comment and its post; 404 if either is gone or the post is not listed."""
    comment = await session.get(Comment, comment_id)
    if comment is None:
        raise CommentNotFound("No such comment.")
    try:
        post = await listed_post(session, comment.post_id)
    except NotFound as error:
        raise CommentNotFound("No such comment.") from error
    return comment, post


async def _check_parent(session: AsyncSession, post_id: uuid.UUID, parent_id: uuid.UUID) -> None:
    parent = await session.get(Comment, parent_id)
    if parent is None or parent.post_id != post_id:
        raise ParentNotFound("The comment you reply to is not on this post.")
    if parent.parent_id is not None:
        raise ReplyTooDeep("Reply to the top-level comment instead: replies are one level deep.")
    if parent.deleted_at is not None:
        raise ParentDeleted("The comment you reply to was deleted.")
