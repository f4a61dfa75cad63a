"""Workers replaced one at a time while they send a new post to 200 members (the chart's
rolling update: the new worker starts, the old one gets SIGTERM, stops taking jobs, finishes
what runs within its completion wait; anything still running then goes back to the queue):
every member gets exactly one email, and nothing is left unsent."""

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
from tests.faults.stack import emails_by_state, truncate, unfinished_outbox, until
from tests.notifications.helpers import copies_per_address, enqueue
from tests.support import factories
from tests.support.own_instances import OwnPostgres, OwnRedis
from tests.support.processes import running_all, worker
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(300)]

MEMBERS = 200


async def test_replacing_workers_one_at_a_time_loses_and_repeats_nothing(
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
    addresses = [f"rollout{n}@example.cz" for n in range(MEMBERS)]
    try:
        async with resources.unit_of_work() as session:
            creator = await factories.creator(session)
            tier = await factories.tier(session, creator)
            for address in addresses:
                await factories.membership(
                    session, await factories.user(session, email=address), tier
                )
            post = await factories.post(session, creator)
        mailgun_sandbox.delay(0.3)
        variables = {
            **env.variables(),
            "PICKEY_DELIVERY__EMAIL_BATCH_SIZE": "10",
            "PICKEY_DELIVERY__FAN_OUT_CHUNK_SIZE": "20",
            "PICKEY_DELIVERY__LEASE_SECONDS": "30",
            "PICKEY_DELIVERY__ASK_AFTER_SECONDS": "1",
            "PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS": "2",
            "PICKEY_WORKER__RETRY_BACKOFF_MAX_SECONDS": "2",
        }
        exit_codes: list[int] = []
        with ExitStack() as stack:
            (tmp_path / "0").mkdir()
            current = stack.enter_context(
                running_all([worker("notifications")], env=variables, log_dir=tmp_path / "0")
            )["notifications-worker"]
            await enqueue(resources, AnnounceNewPost(post_id=post.id))
            await until(lambda: _received(mailgun_sandbox, 1))
            for generation in (1, 2):
                folder = tmp_path / str(generation)
                folder.mkdir()
                new = await asyncio.to_thread(
                    stack.enter_context,
                    running_all([worker("notifications")], env=variables, log_dir=folder),
                )
                current.signal(signal.SIGTERM)
                exit_codes.append(await asyncio.to_thread(current.wait, 60))
                current = new["notifications-worker"]
            await until(lambda: _all_sent(resources), timeout=200)
            await until(lambda: _outbox_done(resources), timeout=100)
        mailgun_sandbox.clear_faults()
    finally:
        await resources.close()

    copies = copies_per_address(mailgun_sandbox.messages())
    lost = sum(1 for address in addresses if copies[address] == 0)
    duplicated = sum(1 for address in addresses if copies[address] > 1)
    fault_report(
        FaultRow(
            fault="workers replaced one at a time mid fan-out (200 emails)",
            goal="0 lost, 0 duplicated",
            lost=lost,
            duplicated=duplicated,
            notes=f"old workers exited {exit_codes}",
        )
    )
    assert (lost, duplicated) == (0, 0)
    assert exit_codes == [0, 0]


async def _received(mailgun: MailgunSandbox, count: int) -> bool:
    return await asyncio.to_thread(lambda: mailgun.stats()["received"] >= count)


async def _all_sent(resources: Resources) -> bool:
    return (await emails_by_state(resources)).get(DeliveryState.SENT, 0) == MEMBERS


async def _outbox_done(resources: Resources) -> bool:
    return await unfinished_outbox(resources) == 0
