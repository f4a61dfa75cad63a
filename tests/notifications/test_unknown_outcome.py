"""Every Mailgun call (batches of 4) times out after Mailgun accepted it (the sandbox answers
after 1.2 s, the client waits 0.5 s): each retry asks Mailgun's events API about the call it lost
the answer of (its ``v:delivery-batch`` reference) and records what was accepted instead of
sending again.
Everyone gets exactly one email, and Mailgun sees exactly one send call per batch."""

from __future__ import annotations

import pytest

from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.notifications.helpers import enqueue, ledger
from tests.support.notification_deliveries import assert_all_sent_once, members_and_post
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment
from tests.support.workers import drain


@pytest.fixture
def settings(test_env: TestEnvironment) -> NotificationsSettings:
    return test_env.notifications(
        # Each lost answer costs the job a try or two (waiting to ask, then asking).
        worker={"retry_backoff_max_seconds": 1, "max_tries": 30},
        mailgun=test_env.mailgun().model_copy(update={"timeout_seconds": 0.5}),
        # Asked once the call is 2 s old: after the sandbox's 1.2 s acceptance, as the 30 s
        # default is after any real Mailgun call.
        delivery={"ask_after_seconds": 2, "email_batch_size": 4},
    )


@pytest.fixture
def worker(settings: NotificationsSettings) -> WorkerOptions:
    return notifications_worker(settings)


async def test_timed_out_calls_are_asked_about_and_never_sent_twice(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    mailgun_sandbox.delay(1.2)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))

    await drain(worker)
    mailgun_sandbox.clear_faults()

    await assert_all_sent_once(resources, fans, mailgun_sandbox, pusher_sandbox)
    batches = -(-len(fans) // 4)
    assert mailgun_sandbox.stats()["calls"] == batches  # one call per batch, none repeated
    rows = await ledger(resources)
    # Every email delivery needed a second run (the first lost its answer), which asked.
    assert all(
        row.deliveries[channel][1] >= 2
        for row in rows
        for channel in row.deliveries
        if channel.value == "email"
    )
