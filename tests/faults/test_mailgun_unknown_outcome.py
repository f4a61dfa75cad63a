"""Email after an unknown outcome: every Mailgun call answers only after the client gave up
(accepted, but the worker sees a timeout), and the worker is killed (SIGKILL) while a call is in
flight. The next worker asks Mailgun's events API about each unrecorded call instead of sending
again: every member gets exactly one email and Mailgun sees one send call per batch."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from pickey_core.models import DeliveryState
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.resources import Resources
from tests.faults.report import FaultRow
from tests.faults.stack import emails_by_state, truncate, until
from tests.notifications.helpers import copies_per_address, enqueue
from tests.support import factories
from tests.support.own_instances import OwnPostgres, OwnRedis
from tests.support.processes import running_all, worker
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(300)]

MEMBERS = 30
BATCH = 10


async def test_timeouts_and_a_kill_mid_call_send_no_email_twice(
    fault_postgres: OwnPostgres,
    redis_server: OwnRedis,
    sandbox_url: str,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
    fault_report: Callable[[FaultRow], None],
    tmp_path: Path,
) -> None:
    await truncate(fault_postgres)
    env = TestEnvironment(fault_postgres.url(), redis_server.url, sandbox_url)
    resources = await Resources.open(env.notifications())
    addresses = [f"unknown{n}@example.cz" for n in range(MEMBERS)]
    variables = {
        **env.variables(),
        "PICKEY_MAILGUN__TIMEOUT_SECONDS": "1",
        "PICKEY_PUSHER__TIMEOUT_SECONDS": "1",
        "PICKEY_DELIVERY__LEASE_SECONDS": "5",
        "PICKEY_DELIVERY__ASK_AFTER_SECONDS": "3",  # after the sandbox's 1.5 s acceptance
        "PICKEY_DELIVERY__EMAIL_BATCH_SIZE": str(BATCH),
        "PICKEY_DELIVERY__RESUME_AFTER_SECONDS": "5",
        "PICKEY_WORKER__RETRY_BACKOFF_MAX_SECONDS": "1",
        "PICKEY_WORKER__MAX_TRIES": "50",
    }
    try:
        async with resources.unit_of_work() as session:
            creator = await factories.creator(session)
            tier = await factories.tier(session, creator)
            for address in addresses:
                await factories.membership(
                    session, await factories.user(session, email=address), tier
                )
            post = await factories.post(session, creator)
        mailgun_sandbox.delay(1.5)  # every call: accepted, answered after the client gave up
        with ExitStack() as stack:
            for generation in ("killed", "next"):
                folder = tmp_path / generation
                folder.mkdir()
                processes = await asyncio.to_thread(
                    stack.enter_context,
                    running_all([worker("notifications")], env=variables, log_dir=folder),
                )
                if generation == "killed":
                    await enqueue(resources, AnnounceNewPost(post_id=post.id))
                    await until(lambda: _received(mailgun_sandbox))
                    processes["notifications-worker"].signal(signal.SIGKILL)
                    processes["notifications-worker"].wait(10)
            await until(lambda: _all_sent(resources), timeout=200)
        calls = await asyncio.to_thread(lambda: mailgun_sandbox.stats()["calls"])
        mailgun_sandbox.clear_faults()
    finally:
        await resources.close()

    copies = copies_per_address(mailgun_sandbox.messages())
    lost = sum(1 for address in addresses if copies[address] == 0)
    duplicated = sum(1 for address in addresses if copies[address] > 1)
    fault_report(
        FaultRow(
            fault="mailgun answers lost (timeouts) + worker killed mid-call",
            goal="ask Mailgun, don't resend: 0 lost, 0 duplicated",
            lost=lost,
            duplicated=duplicated,
            notes=f"{calls} send calls for {MEMBERS // BATCH} batches",
        )
    )
    assert (lost, duplicated) == (0, 0)
    assert calls == MEMBERS // BATCH


async def _received(mailgun: MailgunSandbox) -> bool:
    return await asyncio.to_thread(lambda: mailgun.stats()["received"] >= 1)


async def _all_sent(resources: Resources) -> bool:
    return (await emails_by_state(resources)).get(DeliveryState.SENT, 0) == MEMBERS
