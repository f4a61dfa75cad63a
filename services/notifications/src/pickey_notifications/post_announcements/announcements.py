"""An announcement (a new post, a creator going live) and its plan: the creator's channel event
and the chunks of its audience.

Planning happens once per announcement, whatever runs the job: it claims the idempotency key
``fan-out:<event key>`` in the same transaction that enqueues the chunk jobs through the outbox,
so a second run (a duplicate job, the sweeper's re-push after Redis lost its data) finds the key
and enqueues nothing. The creator's channel event is recorded in the ledger like any delivery
and sent by whichever run finds it unsent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import idempotency
from pickey_core.models import Creator, Post, User
from pickey_core.post_readiness import is_listed
from pickey_core.queue import outbox
from pickey_core.queue.contracts import FanOutChunk
from pickey_notifications.audience import repository as audience
from pickey_notifications.audience.repository import Audience
from pickey_notifications.deliveries import planning
from pickey_notifications.deliveries.dispatch import deliver
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.post_announcements import content
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)

AnnouncementKind = Literal["new_post", "creator_live"]


@dataclass(frozen=True)
class Announcement:
    kind: AnnouncementKind
    post_id: uuid.UUID
    broadcast_id: str | None = None

    @property
    def event_key(self) -> str:
        if self.kind == "creator_live":
            return f"live:{self.post_id}:{self.broadcast_id}"
        return f"post:{self.post_id}"

    @property
    def audiences(self) -> tuple[Audience, ...]:
        """Members (and, for a new post, followers). A live stream is for members only."""
        members: tuple[Audience, ...] = ("active_members", "past_due_members")
        return members if self.kind == "creator_live" else (*members, "followers")

    @property
    def member_kind(self) -> Kind:
        return Kind.CREATOR_LIVE if self.kind == "creator_live" else Kind.NEW_POST

    @property
    def channel_kind(self) -> Kind:
        return (
            Kind.CREATOR_CHANNEL_LIVE if self.kind == "creator_live" else Kind.CREATOR_CHANNEL_POST
        )

    @classmethod
    def of(cls, chunk: FanOutChunk) -> Announcement:
        return cls(chunk.announcement, chunk.post_id, chunk.broadcast_id)

    def chunk(
        self, audience: Audience, after: uuid.UUID | None, until: uuid.UUID | None
    ) -> FanOutChunk:
        return FanOutChunk(
            announcement=self.kind,
            post_id=self.post_id,
            broadcast_id=self.broadcast_id,
            audience=audience,
            after=after,
            until=until,
        )


async def listed_post(session: AsyncSession, post_id: uuid.UUID) -> tuple[Post, Creator] | None:
    """The post and its creator while the post is listed (published, media ready, not deleted);
    None once it is not: nobody is told about a post that is gone."""
    post = await session.get(Post, post_id)
    if post is None or not is_listed(post):
        return None
    creator = await session.get(Creator, post.creator_id)
    assert creator is not None
    return post, creator


def ranges(
    bounds: list[uuid.UUID],
) -> Iterator[tuple[uuid.UUID | None, uuid.UUID | None]]:
    """(None, b1], (b1, b2], ..., (bn, None): the whole id space, in chunks."""
    lower: uuid.UUID | None = None
    for bound in bounds:
        yield lower, bound
        lower = bound
    yield lower, None


async def announce(ctx: NotificationsJobContext, announcement: Announcement) -> None:
    """Plan the announcement once, then send the creator's channel event if still owed."""
    settings = ctx.service.settings
    async with ctx.resources.unit_of_work() as session:
        found = await listed_post(session, announcement.post_id)
        if found is None:
            logger.info(
                "announcement skipped: the post is not listed", post_id=str(announcement.post_id)
            )
            return
        post, creator = found
        owner = await session.get(User, creator.user_id)
        assert owner is not None
        data = (
            content.live(post, creator, announcement.broadcast_id or "")
            if announcement.kind == "creator_live"
            else content.post_facts(post, creator)
        )
        channel_ids = await planning.record(
            session,
            f"{announcement.event_key}:creator-channel",
            [Outgoing(owner.id, owner.email, announcement.channel_kind, data)],
            hash_key=settings.suppression_hash_key,
        )
        if await idempotency.claim(session, f"fan-out:{announcement.event_key}"):
            chunks = 0
            for audience_name in announcement.audiences:
                bounds = await audience.boundaries(
                    session, audience_name, creator.id, settings.delivery.fan_out_chunk_size
                )
                for after, until in ranges(bounds):
                    outbox.enqueue(session, announcement.chunk(audience_name, after, until))
                    chunks += 1
            logger.info("announcement planned", event_key=announcement.event_key, chunks=chunks)
    await deliver(ctx, channel_ids)
