"""The payments worker: renews memberships, reconciles unsettled payments, rechecks contradicted
ones, sends refunds, runs the monthly payouts, sweeps the outbox."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from pickey_core.queue.contracts import ProcessRefund, Queue, RecheckPayment
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_payments.analytics.tasks import compute_analytics
from pickey_payments.gateway import Gateway
from pickey_payments.payouts.tasks import run_payouts
from pickey_payments.reconciliation.tasks import reconcile_payments
from pickey_payments.refunds.tasks import process_refund
from pickey_payments.renewals.tasks import renew_memberships
from pickey_payments.settings import PaymentsSettings
from pickey_payments.settlement.tasks import GATEWAY_CLIENT, recheck_payment

ROUTES: list[JobRoute[Any]] = [
    JobRoute(RecheckPayment, recheck_payment),
    JobRoute(ProcessRefund, process_refund),
]


def payments_worker(settings: PaymentsSettings) -> dict[str, Any]:
    async def open_gateway(ctx: dict[str, Any]) -> None:
        ctx["clients"][GATEWAY_CLIENT] = Gateway.open(settings)

    async def close_gateway(ctx: dict[str, Any]) -> None:
        gateway: Gateway | None = ctx.get("clients", {}).get("gateway")
        if gateway is not None:
            await gateway.aclose()

    options = worker_options(
        settings, Queue.PAYMENTS, ROUTES, on_startup=open_gateway, on_shutdown=close_gateway
    )
    billing = settings.billing
    # Each run may wait on the gateway for a while; a slow run is never started twice at once
    # (unique), and a charge interrupted by the timeout is safe (its lease, then a status check).
    job_timeout = max(60, 4 * billing.charge_lease_seconds)
    options["cron_jobs"] = [
        *options["cron_jobs"],
        cron(
            renew_memberships,
            name="payments.renew_memberships",
            second=set(range(0, 60, billing.renewal_every_seconds)),
            run_at_startup=True,
            unique=True,
            max_tries=1,
            timeout=job_timeout,
        ),
        cron(
            reconcile_payments,
            name="payments.reconcile",
            second=set(range(0, 60, billing.reconcile_every_seconds)),
            run_at_startup=True,
            unique=True,
            max_tries=1,
            timeout=job_timeout,
        ),
        # Hourly, so a worker that was down on payout day still pays out; the batch's unique
        # period makes every run after the first (on any worker) a no-op.
        cron(
            run_payouts,
            name="payments.run_payouts",
            minute={7},
            second={0},
            run_at_startup=True,
            unique=True,
            max_tries=1,
            timeout=job_timeout,
        ),
        # Hourly: the current month's figures on the creator's dashboard are at most an hour
        # old; closed months are computed once and skipped after that.
        cron(
            compute_analytics,
            name="payments.compute_analytics",
            minute={17},
            second={0},
            run_at_startup=True,
            unique=True,
            max_tries=1,
            timeout=job_timeout,
        ),
    ]
    return options
