"""Jobs of the posts domain: publishing scheduled posts on time."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from pickey_api.creators.cache import forget_creator_page
from pickey_api.posts import repository, service
from pickey_api.worker_resources import ApiJobContext
from pickey_core.resources import Resources

logger = structlog.get_logger(__name__)

# Posts published per transaction: a burst of due posts commits (and announces) in steps.
PUBLISH_BATCH = 100


async def publish_due_posts(ctx: ApiJobContext) -> int:
    """Publish every scheduled post whose time has come (an arq cron job of the api worker).

    Safe to run twice or concurrently: each batch locks its rows with SKIP LOCKED and moves them
    out of ``scheduled`` in the same transaction; the announcement goes through the outbox in
    that transaction too, so a crash loses nothing and repeats nothing. The creators' cached
    post lists are invalidated in the transaction (``posts_version``); their cached pages (post
    counts) are forgotten after it commits.
    """
    resources = ctx.resources
    published = 0
    while True:
        async with resources.unit_of_work() as session:
            due = await service.publish_due(session, datetime.now(UTC), PUBLISH_BATCH)
            creators = await repository.creators_by_id(session, {post.creator_id for post in due})
        published += len(due)
        await _forget_pages([creator.slug for creator in creators.values()], resources)
        if len(due) < PUBLISH_BATCH:
            break
    if published:
        logger.info("scheduled posts published", count=published)
    return published


async def _forget_pages(slugs: list[str], resources: Resources) -> None:
    try:
        for slug in slugs:
            await forget_creator_page(resources.redis, slug)
    except Exception as error:  # Redis trouble: the page's TTL bounds how long its count lags
        logger.warning("creator pages not forgotten", error=str(error))
