"""One chunk of an announcement's audience: write its notifications in bulk, then send.

The chunk reads its id range page by page (``PICKEY_DELIVERY__FAN_OUT_CHUNK_SIZE`` people a
page, one transaction each), decides per person whether the post is open to them, writes the
notifications and ledger rows, and finally sends what of them is unsettled. Run twice, it finds
its rows and sends only what is still owed; a crash redoes this chunk only.

Who gets what:

* members (held membership): only if the post is open to them (their tier opens it, or they
  unlocked a paid post): the full notification (``new_post`` / ``creator_live``);
* followers (new posts only): ``new_post_followed`` with the excerpt only if the post is public
  or they unlocked it, else a teaser. Followers whose membership opens the post are skipped
  here: their member chunk reaches them.
* never the creator, never a deleted account; one notification per person per post in any case
  (unique event key and recipient).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import structlog

from pickey_core.models import Creator, Post, PostAccess
from pickey_core.queue.contracts import FanOutChunk
from pickey_notifications.audience import repository as audience
from pickey_notifications.audience.repository import Person
from pickey_notifications.deliveries import planning
from pickey_notifications.deliveries.dispatch import deliver
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.post_announcements import content, entitlement
from pickey_notifications.post_announcements.announcements import Announcement, listed_post
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)


async def fan_out_chunk(ctx: NotificationsJobContext, payload: FanOutChunk) -> None:
    settings = ctx.service.settings
    announcement = Announcement.of(payload)
    async with ctx.resources.unit_of_work() as session:
        found = await listed_post(session, payload.post_id)
        if found is None:
            logger.info(
                "fan-out chunk skipped: the post is not listed", post_id=str(payload.post_id)
            )
            return
        post, creator = found
        opening = await entitlement.opening_tier_ids(session, post)
    size = settings.delivery.fan_out_chunk_size
    after = payload.after
    notification_ids: list[uuid.UUID] = []
    while True:
        async with ctx.resources.unit_of_work() as session:
            chunk_page = await audience.page(
                session,
                payload.audience,
                creator.id,
                after=after,
                until=payload.until,
                limit=size,
                exclude_user_id=creator.user_id,
                skip_members_of=opening if payload.audience == "followers" else (),
            )
            people = chunk_page.people
            unlocked = (
                await audience.unlocked(session, post.id, [p.user_id for p in people])
                if post.access is PostAccess.PAID
                else set()
            )
            outgoing = _outgoing(announcement, post, creator, people, opening, unlocked)
            notification_ids += await planning.record(
                session,
                announcement.event_key,
                outgoing,
                hash_key=ctx.service.settings.suppression_hash_key,
            )
        if not chunk_page.full:
            break
        after = chunk_page.last_key
    await deliver(ctx, notification_ids)


def _outgoing(
    announcement: Announcement,
    post: Post,
    creator: Creator,
    people: Sequence[Person],
    opening: set[uuid.UUID],
    unlocked: set[uuid.UUID],
) -> list[Outgoing]:
    # One data dict per variant: every recipient of a variant shares it (and so one email batch
    # and one Pusher trigger).
    variants: dict[bool, dict[str, Any]] = {}

    def data(open_to_recipient: bool) -> dict[str, Any]:
        if open_to_recipient not in variants:
            variants[open_to_recipient] = (
                content.live(post, creator, announcement.broadcast_id or "")
                if announcement.kind == "creator_live"
                else content.new_post(post, creator, open_to_recipient=open_to_recipient)
            )
        return variants[open_to_recipient]

    outgoing = []
    for person in people:
        is_open = person.user_id in unlocked or (
            person.tier_id is not None and person.tier_id in opening
        )
        if person.tier_id is not None:  # a member
            if is_open:
                outgoing.append(
                    Outgoing(person.user_id, person.email, announcement.member_kind, data(True))
                )
        else:  # a follower
            is_open = is_open or post.access is PostAccess.PUBLIC
            outgoing.append(
                Outgoing(person.user_id, person.email, Kind.NEW_POST_FOLLOWED, data(is_open))
            )
    return outgoing
