"""When a post's media is ready and when it becomes visible: one rule for the api (edits,
publishing) and the media service (an asset finished processing).

A photo or video post is ``media_ready`` when it has media and every attached asset is ready;
other kinds are ready at once. A post is *listed* (anyone but its owner may know it exists)
when it is published, not deleted and media-ready. The first time a post is listed, the
new-post announcement is enqueued through the outbox, once (``announced_at``). Callers hold the
post's row lock, so of concurrent writers exactly one sees ``announced_at`` empty.

The api writes these columns when a post is edited or published; the media service writes them
through :func:`settle_media_change` when an asset of the post changes state. Both run the rules
of this module, so the two services cannot disagree about when a post is visible.

:class:`PostNotFound` is the one answer, in every service, for a post the caller may not know
exists (not listed and not theirs, or missing).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import NotFound
from pickey_core.models import MediaAsset, MediaKind, MediaStatus, Post, PostKind, PostStatus
from pickey_core.posts_version import bump_posts_version
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.outbox import enqueue

# Post kinds whose readiness waits for media, and the kind of asset each takes.
MEDIA_KINDS = {PostKind.PHOTO: MediaKind.IMAGE, PostKind.VIDEO: MediaKind.VIDEO}


class PostNotFound(NotFound):
    code = "post_not_found"


def is_listed(post: Post) -> bool:
    """Whether anyone but the owner may know the post exists."""
    return post.status is PostStatus.PUBLISHED and post.deleted_at is None and post.media_ready


async def media_counts(session: AsyncSession, post: Post) -> tuple[int, int]:
    """(attached assets, of which ready) for one post."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(MediaAsset.status == MediaStatus.READY),
            ).where(MediaAsset.post_id == post.id)
        )
    ).one()
    return int(row[0]), int(row[1])


async def media_ready(session: AsyncSession, post: Post) -> bool:
    if post.kind not in MEDIA_KINDS:
        return True
    await session.flush()
    total, ready = await media_counts(session, post)
    return total > 0 and total == ready


def announce_if_listed(session: AsyncSession, post: Post, now: datetime) -> None:
    """Enqueue the new-post announcement the first time the post is listed."""
    if is_listed(post) and post.announced_at is None:
        post.announced_at = now
        enqueue(session, AnnounceNewPost(post_id=post.id))


async def refresh(session: AsyncSession, post: Post, now: datetime) -> bool:
    """Recompute ``media_ready`` from the post's assets and announce it if it became listed;
    True when readiness changed (the caller bumps the creator's cached post lists)."""
    ready = await media_ready(session, post)
    changed = ready != post.media_ready
    post.media_ready = ready
    announce_if_listed(session, post, now)
    return changed


async def settle_media_change(session: AsyncSession, post: Post, now: datetime) -> bool:
    """After an asset of the (locked) post changed state: recompute ``media_ready``, announce
    the post if that listed it, and bump the creator's ``posts_version`` when readiness changed
    (the api's cached post lists show only ready posts). Returns the post's readiness.

    The media service's one write path for ``posts.media_ready``, ``posts.announced_at`` and
    ``creators.posts_version`` on an asset's account.
    """
    await session.flush()
    changed = await refresh(session, post, now)
    await session.flush()
    if changed:
        await bump_posts_version(session, post.creator_id)
    return post.media_ready
