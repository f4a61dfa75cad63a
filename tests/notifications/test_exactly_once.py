"""Exactly once in effect: whatever runs twice — the same job ten times, several workers on the
same event at once, a fan-out whose Redis data vanished half way and was re-pushed by the outbox
sweeper — each recipient gets each notification once, in-app, by email and on their channel."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
import redis.asyncio as aioredis

from pickey_core.models import Channel, DeliveryState
from pickey_core.providers.pusher import user_channel
from pickey_core.queue import outbox
from pickey_core.queue.contracts import AnnounceNewPost, FanOutChunk
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.notifications.helpers import copies_per_address, enqueue, events_per_channel, ledger
from tests.support import factories
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.workers import drain

MEMBERS = 12


@pytest.fixture
def chunked(settings: NotificationsSettings) -> NotificationsSettings:
    """Chunks of 5 people and email batches of 2: many jobs and calls to interleave."""
    delivery = settings.delivery.model_copy(update={"fan_out_chunk_size": 5, "email_batch_size": 2})
    return settings.model_copy(update={"delivery": delivery})


async def members_and_post(resources: Resources) -> tuple[uuid.UUID, list[uuid.UUID]]:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        fans = [await factories.user(session) for _ in range(MEMBERS)]
        for fan in fans:
            await factories.membership(session, fan, tier)
            await factories.follow(session, fan, creator)
        post = await factories.post(session, creator)
    return post.id, [fan.id for fan in fans]


async def assert_each_once(
    resources: Resources,
    fans: list[uuid.UUID],
    mailgun: MailgunSandbox,
    pusher: PusherSandbox,
) -> None:
    rows = await ledger(resources)
    per_recipient = Counter(row.recipient_id for row in rows if row.kind == "new_post")
    assert per_recipient == dict.fromkeys(fans, 1)
    for row in rows:
        for channel, (state, attempts, _) in row.deliveries.items():
            assert (state, attempts) == (DeliveryState.SENT, 1), (row.kind, channel)
    copies = copies_per_address(mailgun.messages())
    assert len(copies) == MEMBERS
    assert set(copies.values()) == {1}
    channels = events_per_channel(pusher.events())
    assert all(channels[user_channel(fan)] == 1 for fan in fans)
    assert sum(channels.values()) == MEMBERS + 1  # and the creator's channel, once


async def test_the_same_announcement_ten_times(
    resources: Resources,
    chunked: NotificationsSettings,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    await enqueue(resources, *[AnnounceNewPost(post_id=post_id) for _ in range(10)])

    await drain(notifications_worker(chunked))

    await assert_each_once(resources, fans, mailgun_sandbox, pusher_sandbox)


async def test_the_same_chunk_ten_times(
    resources: Resources,
    chunked: NotificationsSettings,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    whole_audience = FanOutChunk(
        announcement="new_post", post_id=post_id, audience="active_members"
    )
    await enqueue(resources, AnnounceNewPost(post_id=post_id), *[whole_audience] * 10)

    await drain(notifications_worker(chunked))

    await assert_each_once(resources, fans, mailgun_sandbox, pusher_sandbox)


async def test_concurrent_workers_on_the_same_event(
    resources: Resources,
    chunked: NotificationsSettings,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    # Slow sends keep several claims in flight at once across the workers.
    mailgun_sandbox.delay(0.05)
    whole_audience = FanOutChunk(
        announcement="new_post", post_id=post_id, audience="active_members"
    )
    await enqueue(
        resources,
        *[AnnounceNewPost(post_id=post_id) for _ in range(5)],
        *[whole_audience] * 5,
    )

    await asyncio.gather(*(drain(notifications_worker(chunked)) for _ in range(4)))

    mailgun_sandbox.clear_faults()
    await assert_each_once(resources, fans, mailgun_sandbox, pusher_sandbox)


async def test_redis_flushed_mid_fan_out_then_the_outbox_sweeper(
    resources: Resources,
    chunked: NotificationsSettings,
    redis_url: str,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))
    worker = notifications_worker(chunked)
    # The announcement and one chunk run; then Redis loses everything (the queued chunks too).
    await drain(worker, max_burst_jobs=3)
    client = aioredis.from_url(redis_url)
    try:
        assert await client.zcard("pickey:queue:notifications") > 0
        await client.flushdb()
    finally:
        await client.aclose()
    assert await outbox.count_unfinished(resources) > 0

    # The sweeper re-pushes every row whose job never completed (stale at once here).
    sweeping = chunked.model_copy(
        update={"outbox_stale_after_seconds": 0, "outbox_undispatched_grace_seconds": 0}
    )
    swept = await Resources.open(sweeping)
    try:
        assert await outbox.sweep(swept) > 0
    finally:
        await swept.close()
    await drain(worker)

    assert await outbox.count_unfinished(resources) == 0
    await assert_each_once(resources, fans, mailgun_sandbox, pusher_sandbox)


async def test_a_rerun_after_everything_was_sent_sends_nothing(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, _ = await members_and_post(resources)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))
    await drain(worker)
    calls = (mailgun_sandbox.stats()["calls"], pusher_sandbox.stats()["calls"])

    # A new job for the same post, and chunks for every audience, long after.
    chunks = [
        FanOutChunk(announcement="new_post", post_id=post_id, audience=audience)
        for audience in ("active_members", "past_due_members", "followers")
    ]
    await enqueue(resources, AnnounceNewPost(post_id=post_id), *chunks)
    await drain(worker)

    assert (mailgun_sandbox.stats()["calls"], pusher_sandbox.stats()["calls"]) == calls
    rows = await ledger(resources)
    assert {row.deliveries[Channel.EMAIL][1] for row in rows if row.kind == "new_post"} == {1}
