"""Queued refund jobs run as the payments worker runs them, with the real handler."""

from __future__ import annotations

import pytest
from arq import Retry

from pickey_core.models import (
    OutboxMessage,
    Refund,
)
from pickey_core.queue.contracts import ProcessRefund
from pickey_core.queue.worker import JobContext
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.refunds.tasks import process_refund
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.support.db import all_rows


async def run_refund_jobs(
    resources: Resources, gateway: Gateway, *, expect_retry: bool = False
) -> list[Refund]:
    """Run every queued refund job as the payments worker would (the real handler)."""
    jobs = [
        row
        for row in await all_rows(resources, OutboxMessage)
        if row.job_name == ProcessRefund.job_name
    ]
    for job in jobs:
        context = JobContext(
            resources, PaymentsWorkerResources(resources.settings, gateway), str(job.id), 1
        )
        payload = ProcessRefund.model_validate(job.payload)
        if expect_retry:
            with pytest.raises(Retry):
                await process_refund(context, payload)
        else:
            await process_refund(context, payload)
    return await all_rows(resources, Refund)
