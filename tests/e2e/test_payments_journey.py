"""Over HTTP with real processes (api, payments web and worker, the GP webpay sandbox): a fan
pays for a membership on the gateway's page, comes back, and reads the member-only post; a
renewal survives its worker being killed in the middle of the charge."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from pickey_core.models import Membership, MembershipStatus, OutboxMessage, Payment, PaymentKind
from pickey_core.models import PaymentState as State
from pickey_core.queue.contracts import AnnouncePayment, Queue
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from tests.support.db import all_rows
from tests.support.e2e_accounts import created, signed_in
from tests.support.e2e_payments import (
    SECRET,
    creator_with_secret_post,
    environment,
    join_through_the_gateway,
    payments_platform,
    wait_until,
)
from tests.support.processes import running_all, web, worker
from tests.support.settings import TestEnvironment


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> Any:
    opened = await Resources.open(test_env.payments())
    yield opened
    await opened.close()


async def test_a_fan_pays_on_the_gateway_page_and_reads_the_member_post(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    with payments_platform(test_env, tmp_path) as (api_url, payments_url):
        tier, post = creator_with_secret_post(api_url, test_env.database_url)
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        before = created(fan.get(f"/posts/{post['id']}"))
        assert (before["viewer_access"], before["body"]) == ("teaser", None)

        checkout = join_through_the_gateway(fan, payments_url, test_env.sandbox_url, tier)

        after = created(fan.get(f"/posts/{post['id']}"))
        assert (after["viewer_access"], after["body"]) == ("full", SECRET)
        [membership] = await all_rows(resources, Membership)
        assert membership.status is MembershipStatus.ACTIVE
        # The fan and the creator are told: the job went through the outbox to the queue.
        [announce] = await all_rows(
            resources, OutboxMessage, OutboxMessage.job_name == AnnouncePayment.job_name
        )
        assert announce.payload == {"payment_id": checkout["payment_id"]}
        assert announce.dispatched_at is not None
        queued = await resources.redis.zscore(Queue.NOTIFICATIONS.value, str(announce.id))
        assert queued is not None


async def test_a_worker_killed_during_the_renewal_charge_charges_once(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    api, api_url = web("api")
    payments, payments_url = web("payments")
    # A renewal run every second; the gateway's WS answers take 3 s in this test, and a charge
    # in doubt is looked at again 5 s after it was sent.
    env = environment(
        test_env,
        payments_url,
        PICKEY_BILLING__RENEWAL_EVERY_SECONDS="1",
        PICKEY_BILLING__CHARGE_LEASE_SECONDS="5",
        PICKEY_GPWEBPAY__WS_TIMEOUT_SECONDS="4",
    )
    with running_all([api, payments], env=env, log_dir=tmp_path):
        tier, _ = creator_with_secret_post(api_url, test_env.database_url)
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        join_through_the_gateway(fan, payments_url, test_env.sandbox_url, tier)
    [membership] = await all_rows(resources, Membership)
    [master] = await all_rows(resources, Payment)
    end = datetime.now(UTC) - timedelta(minutes=1)
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership).where(Membership.id == membership.id).values(current_period_end=end)
        )
    sandbox = httpx.AsyncClient(base_url=test_env.sandbox_url, timeout=30)
    await sandbox.post(
        "/sandbox/gpwebpay/ws-plan", json={"next": [{"kind": "timeout", "seconds": 3}]}
    )

    async def charges() -> list[dict[str, Any]]:
        orders = (await sandbox.get("/sandbox/gpwebpay/orders")).json()
        return [o for o in orders if o["master_order_number"] == master.order_number]

    for run in ("first", "second"):
        (tmp_path / run).mkdir()
    with running_all([worker("payments")], env=env, log_dir=tmp_path / "first") as first:
        # The gateway makes the charge and answers 3 s later: kill the worker while it waits.
        await wait_until(lambda: _has(charges), "the gateway to make the charge")
        first["payments-worker"].process.kill()
        first["payments-worker"].wait(10)
    [renewal] = await all_rows(resources, Payment, Payment.kind == PaymentKind.RENEWAL.value)
    assert renewal.state is State.PENDING  # no answer recorded

    with running_all([worker("payments")], env=env, log_dir=tmp_path / "second"):

        async def renewed() -> bool:
            [row] = await all_rows(resources, Membership)
            return row.current_period_end != end

        await wait_until(renewed, "the charge in doubt to be resolved")

    assert len(await charges()) == 1
    await sandbox.aclose()
    [renewal] = await all_rows(resources, Payment, Payment.kind == PaymentKind.RENEWAL.value)
    assert renewal.state is State.PAID
    [row] = await all_rows(resources, Membership)
    assert (row.current_period_start, row.current_period_end) == (end, add_month(end))


async def _has(source: Callable[[], Awaitable[list[Any]]]) -> bool:
    return bool(await source())
