"""Apply Mux live stream events to the live post's stream; flushes, never commits.

A stream goes round a cycle per broadcast (idle → connected → recording → active → disconnected
→ idle), so its state cannot simply move "forward" like an asset's. Instead each applied event
stamps ``state_changed_at`` with Mux's ``created_at``, and an event older than the stamp changes
nothing; at the same instant, the later step of the cycle wins. Mapping: ``connected`` and
``recording`` → ``connected``; ``active`` → ``active``; ``disconnected`` → ``disconnected``;
``idle`` → ``ended`` (Mux sends ``idle`` only when a broadcast's reconnect window has passed; a
new stream starts ``idle`` without an event); ``disabled`` → ``disabled``.

``active`` tells the members entitled to the post that the creator is live (``AnnounceLive``),
once per broadcast: the broadcast is named by the Mux asset recording it, and an idempotency key
of ours per post and broadcast makes a reconnect within the same broadcast, or a redelivered
event, announce nothing new. A post that is not listed (a draft, deleted) is not announced.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import idempotency, post_readiness
from pickey_core.models import LiveState, LiveStream, Post
from pickey_core.posts_version import bump_posts_version
from pickey_core.queue.contracts import AnnounceLive
from pickey_core.queue.outbox import enqueue
from pickey_media.assets import repository as assets
from pickey_media.live import recordings, repository
from pickey_media.mux_events.outcome import Outcome
from pickey_media.mux_events.schemas import LiveStreamData

logger = structlog.get_logger(__name__)

_PREFIX = "video.live_stream."
# Event → (state it leads to, its step in the broadcast cycle for same-instant ties).
EVENTS: dict[str, tuple[LiveState, int]] = {
    f"{_PREFIX}connected": (LiveState.CONNECTED, 1),
    f"{_PREFIX}recording": (LiveState.CONNECTED, 2),
    f"{_PREFIX}active": (LiveState.ACTIVE, 3),
    f"{_PREFIX}disconnected": (LiveState.DISCONNECTED, 4),
    f"{_PREFIX}idle": (LiveState.ENDED, 5),
    f"{_PREFIX}disabled": (LiveState.DISABLED, 6),
}
# The step a stored state was reached at (the latest event leading to it).
_STATE_STEP = {
    LiveState.IDLE: 0,
    LiveState.CONNECTED: 2,
    LiveState.ACTIVE: 3,
    LiveState.DISCONNECTED: 4,
    LiveState.ENDED: 5,
    LiveState.DISABLED: 6,
}
# States within a broadcast (a disconnect may be followed by a reconnect to the same one).
_IN_BROADCAST = frozenset({LiveState.CONNECTED, LiveState.ACTIVE, LiveState.DISCONNECTED})


def announcement_key(post: Post, broadcast_id: str) -> str:
    """Our own key, distinct from the consumer's ``live:<post>:<broadcast>``."""
    return f"media:announce_live:{post.id}:{broadcast_id}"


def is_newer(stream: LiveStream, occurred_at: datetime, step: int) -> bool:
    if stream.state_changed_at is None:
        return True
    if occurred_at != stream.state_changed_at:
        return occurred_at > stream.state_changed_at
    return step > _STATE_STEP[stream.state]


async def apply_event(
    session: AsyncSession,
    event_type: str,
    occurred_at: datetime,
    data: LiveStreamData,
    event_id: str,
) -> Outcome:
    known = EVENTS.get(event_type)
    if known is None:
        return Outcome.IGNORED
    target, step = known
    post_id = await repository.post_of_stream(session, data.id, data.passthrough)
    post = await assets.get_post(session, post_id, for_update=True) if post_id else None
    stream = await repository.lock_stream(session, post.id) if post else None
    if post is None or stream is None or stream.mux_live_stream_id not in (None, data.id):
        return Outcome.UNKNOWN
    if not is_newer(stream, occurred_at, step):
        return Outcome.STALE
    stream.mux_live_stream_id = data.id
    stream.state = target
    stream.state_changed_at = occurred_at
    stream.active_asset_id = (
        (data.active_asset_id or stream.active_asset_id) if target in _IN_BROADCAST else None
    )
    await session.flush()
    if target is LiveState.ACTIVE:
        await _announce(session, post, stream.active_asset_id or event_id)
    if target in (LiveState.ENDED, LiveState.DISABLED):
        await recordings.attach_finished(session, stream, post)
    # The live state is part of every post list the api caches for this creator.
    await bump_posts_version(session, post.creator_id)
    return Outcome.APPLIED


async def _announce(session: AsyncSession, post: Post, broadcast_id: str) -> None:
    if not post_readiness.is_listed(post):
        logger.info("live post not listed; not announced", post_id=str(post.id))
        return
    if await idempotency.claim(session, announcement_key(post, broadcast_id)):
        enqueue(session, AnnounceLive(post_id=post.id, broadcast_id=broadcast_id))
        logger.info("live broadcast announced", post_id=str(post.id), broadcast_id=broadcast_id)
