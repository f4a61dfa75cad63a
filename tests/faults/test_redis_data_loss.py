"""Redis loses its data (killed, AOF gone, restarted empty) while a job waits in it: the real
worker notices the missing marker key within seconds and the outbox re-pushes the job at once,
instead of after ``PICKEY_OUTBOX_STALE_AFTER_SECONDS`` (300 s, kept at its production value
here). The email goes out exactly once."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pickey_core.queue import outbox
from pickey_core.queue.contracts import SendWelcome
from pickey_core.resources import Resources
from tests.faults.report import FaultRow
from tests.faults.stack import truncate, until
from tests.support import factories
from tests.support.own_instances import OwnPostgres, OwnRedis
from tests.support.processes import running_all, worker
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(180)]

ADDRESS = "lost-in-redis@example.cz"


async def test_a_job_lost_with_redis_data_is_pushed_again_within_seconds(
    fault_postgres: OwnPostgres,
    redis_server: OwnRedis,
    sandbox_url: str,
    mailgun_sandbox: MailgunSandbox,
    fault_report: Callable[[FaultRow], None],
    tmp_path: Path,
) -> None:
    await truncate(fault_postgres)
    env = TestEnvironment(fault_postgres.url(), redis_server.url, sandbox_url)
    settings = env.notifications()
    assert settings.outbox_stale_after_seconds == 300  # the slow path cannot be what delivers
    resources = await Resources.open(settings)
    try:
        with running_all(
            [worker("notifications")], env=env.variables(), log_dir=tmp_path
        ) as processes:
            process = processes["notifications-worker"]
            process.signal(signal.SIGSTOP)  # the job must still be waiting in Redis
            async with resources.unit_of_work() as session:
                user = await factories.user(session, email=ADDRESS)
                job_id = outbox.enqueue(session, SendWelcome(user_id=user.id))
            assert await resources.redis.zscore(SendWelcome.queue.value, str(job_id)) is not None

            redis_server.lose_data()
            lost_at = time.monotonic()
            process.signal(signal.SIGCONT)
            await until(lambda: _delivered(mailgun_sandbox), timeout=60)
            seconds = time.monotonic() - lost_at
            await asyncio.sleep(1)  # anything extra would show up now
            log = process.log()
            alive = process.process.poll() is None
    finally:
        await resources.close()

    copies = len(mailgun_sandbox.messages(to=ADDRESS))
    fault_report(
        FaultRow(
            fault="redis lost its data with a job queued",
            goal="re-pushed within seconds (was 5 min); 0 lost, 0 duplicated",
            lost=int(copies == 0),
            duplicated=max(0, copies - 1),
            notes=f"email sent {seconds:.1f}s after the loss",
        )
    )
    assert alive
    assert "redis marker key missing" in log
    assert copies == 1


async def _delivered(mailgun: MailgunSandbox) -> bool:
    return await asyncio.to_thread(lambda: len(mailgun.messages(to=ADDRESS)) >= 1)
