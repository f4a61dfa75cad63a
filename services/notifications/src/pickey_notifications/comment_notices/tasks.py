"""Job: tell a post's creator about a new comment, and a comment's author about a reply.

Never the commenter themselves; one notification per recipient per comment (a reply to the
creator's own comment on their post is a reply, not also a new comment). The comment's excerpt
is a piece of a possibly member-only post: a recipient who may no longer read the post (a reply
to a lapsed member's comment) gets the notification without it.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Comment, Creator, Post, User
from pickey_core.post_readiness import is_listed
from pickey_core.queue.contracts import AnnounceComment
from pickey_notifications.comment_notices import repository
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.post_announcements.entitlement import may_read
from pickey_notifications.text import excerpt
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)

COMMENT_EXCERPT_CHARACTERS = 200


async def announce_comment(ctx: NotificationsJobContext, payload: AnnounceComment) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        author_id = await repository.comment_author_id(session, payload.comment_id)
        if author_id is None:
            logger.info("comment announcement skipped: the comment is gone")
            return []
        # The commenter's row is share-locked before the comment and name are read: an account
        # deletion (which locks it for update first) either finished, and we read the emptied
        # comment, or waits until these notifications are written, and then blanks them.
        commenter = await session.get(User, author_id, with_for_update={"read": True})
        comment = await session.get(Comment, payload.comment_id, populate_existing=True)
        if comment is None or commenter is None or comment.deleted_at is not None:
            logger.info("comment announcement skipped: the comment is gone")
            return []
        post = await session.get(Post, comment.post_id)
        if post is None or not is_listed(post):
            return []
        creator = await session.get(Creator, post.creator_id)
        assert creator is not None
        targets: dict[uuid.UUID, Kind] = {}
        if comment.parent_id is not None:
            parent = await session.get(Comment, comment.parent_id)
            if parent is not None and parent.deleted_at is None:
                targets[parent.author_id] = Kind.COMMENT_REPLY
        targets.setdefault(creator.user_id, Kind.NEW_COMMENT)
        targets.pop(comment.author_id, None)
        facts = {
            "comment_id": str(comment.id),
            "post_id": str(post.id),
            "post_title": post.title,
            "creator_slug": creator.slug,
            "commenter_name": commenter.display_name,
        }
        outgoing = []
        for user_id, kind in targets.items():
            user = await session.get(User, user_id)
            if user is None or user.deleted_at is not None:
                continue
            readable = await may_read(session, user.id, post)
            text = excerpt(comment.body, COMMENT_EXCERPT_CHARACTERS) if readable else None
            outgoing.append(Outgoing(user.id, user.email, kind, {**facts, "excerpt": text}))
        return outgoing

    await notify(ctx, f"comment:{payload.comment_id}", recipients)
