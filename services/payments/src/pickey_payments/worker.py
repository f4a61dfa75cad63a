"""The payments worker: renews memberships, reconciles unsettled payments, rechecks contradicted
ones, sends refunds, runs the monthly payouts, warns creators of expiring discount codes,
sweeps the outbox."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.contracts import ChargeUpgrade, ProcessRefund, Queue, RecheckPayment
from pickey_core.queue.worker import (
    JobRoute,
    PeriodicJob,
    WorkerOptions,
    every_seconds,
    worker_options,
)
from pickey_payments.analytics.tasks import compute_analytics
from pickey_payments.discounts.tasks import warn_expiring_codes
from pickey_payments.payouts.tasks import run_payouts
from pickey_payments.reconciliation.tasks import reconcile_payments
from pickey_payments.refunds.tasks import process_refund
from pickey_payments.renewals.tasks import renew_memberships
from pickey_payments.renewals.upgrade_charges import charge_upgrade
from pickey_payments.settings import PaymentsSettings
from pickey_payments.settlement.tasks import recheck_payment
from pickey_payments.worker_resources import PaymentsWorkerResources

ROUTES: list[JobRoute[PaymentsWorkerResources, Any]] = [
    JobRoute(RecheckPayment, recheck_payment),
    JobRoute(ProcessRefund, process_refund),
    JobRoute(ChargeUpgrade, charge_upgrade),
]


def periodic_jobs(settings: PaymentsSettings) -> list[PeriodicJob[PaymentsWorkerResources]]:
    billing = settings.billing
    # Each run may wait on the gateway for a while; a slow run is never started twice at once
    # (unique), and a charge interrupted by the timeout is safe (its lease, then a status check).
    timeout = max(60, 4 * billing.charge_lease_seconds)
    return [
        PeriodicJob(
            "payments.renew_memberships",
            renew_memberships,
            timeout=timeout,
            second=every_seconds(billing.renewal_every_seconds),
        ),
        PeriodicJob(
            "payments.reconcile",
            reconcile_payments,
            timeout=timeout,
            second=every_seconds(billing.reconcile_every_seconds),
        ),
        # Hourly, so a worker that was down on payout day still pays out; the batch's unique
        # period makes every run after the first (on any worker) a no-op.
        PeriodicJob("payments.run_payouts", run_payouts, timeout=timeout, minute={7}, second={0}),
        PeriodicJob(
            "payments.warn_expiring_discount_codes",
            warn_expiring_codes,
            timeout=timeout,
            minute={17},
            second={0},
        ),
        # Hourly: the current month's figures on the creator's dashboard are at most an hour
        # old; closed months are computed once and skipped after that.
        PeriodicJob(
            "payments.compute_analytics",
            compute_analytics,
            timeout=timeout,
            minute={27},
            second={0},
        ),
    ]


def payments_worker(settings: PaymentsSettings) -> WorkerOptions:
    return worker_options(
        settings,
        Queue.PAYMENTS,
        open_service=lambda: PaymentsWorkerResources.open(settings),
        routes=ROUTES,
        periodic=periodic_jobs(settings),
    )
