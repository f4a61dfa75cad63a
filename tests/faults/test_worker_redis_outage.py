"""Redis stops for more than 10 s while a worker is sending a new post to 200 members: the
worker process stays up, logs, backs off, reconnects when Redis is back (from its AOF) and
finishes; every member gets exactly one email (in a `just dev` run before this, every worker
exited and 160 of 200 members got the email twice)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
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
from tests.support.processes import RunningProcess, running_all, worker
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(240)]

MEMBERS = 200
OUTAGE_SECONDS = 12


async def test_a_worker_outlives_a_redis_outage_and_sends_each_email_once(
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
    try:
        async with resources.unit_of_work() as session:
            creator = await factories.creator(session)
            tier = await factories.tier(session, creator)
            addresses = [f"member{n}@example.cz" for n in range(MEMBERS)]
            for address in addresses:
                fan = await factories.user(session, email=address)
                await factories.membership(session, fan, tier)
            post = await factories.post(session, creator)
        # Small batches and slow answers: the outage lands while many calls are still to come.
        mailgun_sandbox.delay(0.2)
        variables = {
            **env.variables(),
            "PICKEY_DELIVERY__EMAIL_BATCH_SIZE": "10",
            "PICKEY_DELIVERY__FAN_OUT_CHUNK_SIZE": "20",
            "PICKEY_WORKER__REDIS_OUTAGE_BACKOFF_MAX_SECONDS": "2",
        }
        with running_all([worker("notifications")], env=variables, log_dir=tmp_path) as processes:
            process = processes["notifications-worker"]
            await enqueue(resources, AnnounceNewPost(post_id=post.id))
            await until(lambda: _received(mailgun_sandbox))

            redis_server.stop(signal.SIGTERM)
            await asyncio.sleep(OUTAGE_SECONDS)
            survived_outage = process.process.poll() is None
            redis_server.start()

            await until(lambda: _all_sent(resources, MEMBERS), timeout=150)
            await until(lambda: _outbox_done(resources), timeout=150)
            # Jobs already running may have finished during the outage; the poll loop comes back
            # after its current backoff.
            await until(lambda: _logged(process, "redis reachable again"), timeout=30)
            survived = survived_outage and process.process.poll() is None
            log = process.log()
        mailgun_sandbox.clear_faults()

        copies = copies_per_address(mailgun_sandbox.messages())
        lost = sum(1 for address in addresses if copies[address] == 0)
        duplicated = sum(1 for address in addresses if copies[address] > 1)
        fault_report(
            FaultRow(
                fault="redis stopped 12 s under a worker sending 200 emails",
                goal="worker stays up; 0 lost, 0 duplicated",
                lost=lost,
                duplicated=duplicated,
                notes=f"worker exited: {'no' if survived else 'yes'}",
            )
        )
        assert survived, log
        assert "redis unreachable" in log  # the outage was seen, and lived through
        assert "redis reachable again" in log
        assert (lost, duplicated) == (0, 0)
    finally:
        await resources.close()


async def _logged(process: RunningProcess, line: str) -> bool:
    return line in process.log()


async def _received(mailgun: MailgunSandbox) -> bool:
    return await asyncio.to_thread(lambda: mailgun.stats()["received"] >= 1)


async def _all_sent(resources: Resources, count: int) -> bool:
    return (await emails_by_state(resources)).get(DeliveryState.SENT, 0) == count


async def _outbox_done(resources: Resources) -> bool:
    return await unfinished_outbox(resources) == 0
