"""SIGTERM to a worker in the middle of a slow job: the job finishes within the completion wait,
or goes back to the queue and a later worker completes it. Never lost."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from pickey_core.models import DeliveryState, Notification, NotificationDelivery, OutboxMessage
from pickey_core.queue.contracts import Queue
from pickey_core.resources import Resources
from tests.support.db import all_rows
from tests.support.e2e_sign_up import sign_up, wait_for_messages
from tests.support.processes import running_all, web, worker
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> Resources:
    opened = await Resources.open(test_env.notifications())
    yield opened  # type: ignore[misc]
    await opened.close()


async def states(resources: Resources) -> list[tuple[DeliveryState, int]]:
    """State and attempts of the welcome email's delivery (sign-up also sends a verification
    email, which goes through the same slow provider)."""
    async with resources.sessions() as session:
        rows = await session.execute(
            select(NotificationDelivery.state, NotificationDelivery.attempts)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(Notification.kind == "welcome")
        )
        return [(state, attempts) for state, attempts in rows]


def welcome_emails(sandbox: MailgunSandbox, to: str) -> list[dict[str, object]]:
    return [m for m in sandbox.messages(to=to) if "Vítejte" in str(m["subject"])]


async def wait_for_state(resources: Resources, state: DeliveryState, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if [s for s, _ in await states(resources)] == [state]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"delivery not {state} in {timeout}s: {await states(resources)}")


async def test_sigterm_lets_the_running_job_finish_within_the_wait(
    test_env: TestEnvironment,
    resources: Resources,
    mailgun_sandbox: MailgunSandbox,
    tmp_path: Path,
) -> None:
    mailgun_sandbox.delay(3)  # the provider is slow: the job is mid-call when SIGTERM arrives
    api, api_url = web("api")
    patient = worker("notifications", PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS="20")

    with running_all([api, patient], env=test_env.variables(), log_dir=tmp_path) as processes:
        assert (await asyncio.to_thread(sign_up, api_url, "slow@example.cz")).status_code == 201
        await wait_for_state(resources, DeliveryState.SENDING)
        processes["notifications-worker"].signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(processes["notifications-worker"].wait, 30)

    assert exit_code == 0
    assert await states(resources) == [(DeliveryState.SENT, 1)]
    assert len(welcome_emails(mailgun_sandbox, "slow@example.cz")) == 1
    assert len(mailgun_sandbox.messages(to="slow@example.cz")) == 2  # welcome + verification
    log = processes["notifications-worker"].log()
    assert "shutdown on SIGTERM" in log


async def test_a_job_still_running_after_the_wait_goes_back_to_the_queue_and_completes(
    test_env: TestEnvironment,
    resources: Resources,
    mailgun_sandbox: MailgunSandbox,
    tmp_path: Path,
) -> None:
    mailgun_sandbox.delay(4)
    api, api_url = web("api")
    impatient = worker("notifications", PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS="1")

    with running_all([api, impatient], env=test_env.variables(), log_dir=tmp_path) as processes:
        assert (await asyncio.to_thread(sign_up, api_url, "cut@example.cz")).status_code == 201
        await wait_for_state(resources, DeliveryState.SENDING)
        processes["notifications-worker"].signal(signal.SIGTERM)
        assert await asyncio.to_thread(processes["notifications-worker"].wait, 30) == 0

    # Cancelled after the wait: back in the queue, not lost (the welcome job and the
    # verification job, both cut off mid-call).
    queue = redis.Redis.from_url(test_env.redis_url)
    jobs = await all_rows(resources, OutboxMessage)
    assert len(jobs) == 2
    for job in jobs:
        assert queue.zscore(Queue.NOTIFICATIONS.value, str(job.id)) is not None, job.job_name
    assert "cancelled, will be run again" in processes["notifications-worker"].log()

    mailgun_sandbox.delay(0)
    # The cut-off call's outcome is unknown: the next run asks Mailgun about it first, once it
    # is PICKEY_DELIVERY__ASK_AFTER_SECONDS old (5 s here: longer than the sandbox's 4 s
    # acceptance, as the 30 s default is longer than any real call).
    patient = worker("notifications", PICKEY_DELIVERY__ASK_AFTER_SECONDS="5")
    with running_all([patient], env=test_env.variables(), log_dir=tmp_path):
        await wait_for_state(resources, DeliveryState.SENT)

    # Mailgun had accepted the cut-off call: recorded as sent from its events, not sent again.
    # Attempts: the cut-off call, then the run that asked; a run that came before the call was
    # old enough to ask about waited and counts one more (timing, not a second send).
    [(state, attempts)] = await states(resources)
    assert state == DeliveryState.SENT
    assert attempts >= 2
    await asyncio.to_thread(wait_for_messages, mailgun_sandbox, "cut@example.cz", 1, 10)
    await asyncio.sleep(4)  # let a cut-off delayed send land, if it is going to
    assert len(welcome_emails(mailgun_sandbox, "cut@example.cz")) == 1
