"""Jobs of the posts domain: publishing scheduled posts on time."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from pickey_api.posts import repository, service
from pickey_api.public_cache.creator_pages import PageInvalidation
from pickey_api.worker_resources import ApiJobContext

logger = structlog.get_logger(__name__)

# Posts published per transaction: a burst of due posts commits (and announces) in steps.
PUBLISH_BATCH = 100


async def publish_due_posts(ctx: ApiJobContext) -> int:
    """Publish every scheduled post whose time has come (an arq cron job of the api worker).

    Safe to run twice or concurrently: each batch locks its rows with SKIP LOCKED and moves them
    out of ``scheduled`` in the same transaction; the announcement goes through the outbox in
    that transaction too, so a crash loses nothing and repeats nothing. The creators' cached
    post lists are invalidated in the transaction (``posts_version``); their cached pages (post
    counts) are forgotten after it commits, by the unit of work.
    """
    resources = ctx.resources
    published = 0
    while True:
        async with resources.unit_of_work() as session:
            due = await service.publish_due(session, datetime.now(UTC), PUBLISH_BATCH)
            creators = await repository.creators_by_id(session, {post.creator_id for post in due})
            pages = PageInvalidation(session, resources.redis)
            for creator in creators.values():
                pages.forget(creator.slug)
        published += len(due)
        if len(due) < PUBLISH_BATCH:
            break
    if published:
        logger.info("scheduled posts published", count=published)
    return published
