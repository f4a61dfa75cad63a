"""Jobs: announce a new post, announce a live broadcast, and run one fan-out chunk of either."""

from __future__ import annotations

from pickey_core.queue.contracts import AnnounceLive, AnnounceNewPost
from pickey_notifications.post_announcements.announcements import Announcement, announce
from pickey_notifications.post_announcements.fan_out import fan_out_chunk
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

__all__ = ["announce_live", "announce_new_post", "fan_out_chunk"]


async def announce_new_post(ctx: NotificationsJobContext, payload: AnnounceNewPost) -> None:
    await announce(ctx, Announcement("new_post", payload.post_id))


async def announce_live(ctx: NotificationsJobContext, payload: AnnounceLive) -> None:
    await announce(ctx, Announcement("creator_live", payload.post_id, payload.broadcast_id))
