"""Queued payments jobs run as the payments worker runs them, with the real handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from arq import Retry

from pickey_core.models import OutboxMessage, Refund
from pickey_core.queue.contracts import JobPayload, ProcessRefund
from pickey_core.queue.worker import JobContext
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.refunds.tasks import process_refund
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.support.db import all_rows

P = TypeVar("P", bound=JobPayload)


async def run_queued_jobs(
    resources: Resources,
    gateway: Gateway,
    contract: type[P],
    handler: Callable[[JobContext[PaymentsWorkerResources], P], Awaitable[Any]],
    *,
    expect_retry: bool = False,
) -> None:
    """Run every queued ``contract`` job through ``handler`` as the payments worker would; with
    ``expect_retry``, each must ask arq to retry it."""
    jobs = await all_rows(resources, OutboxMessage, OutboxMessage.job_name == contract.job_name)
    for job in jobs:
        context = JobContext(
            resources, PaymentsWorkerResources(resources.settings, gateway), str(job.id), 1
        )
        payload = contract.model_validate(job.payload)
        if expect_retry:
            with pytest.raises(Retry):
                await handler(context, payload)
        else:
            await handler(context, payload)


async def run_refund_jobs(
    resources: Resources, gateway: Gateway, *, expect_retry: bool = False
) -> list[Refund]:
    """Run every queued refund job; the refunds as they stand afterwards."""
    await run_queued_jobs(
        resources, gateway, ProcessRefund, process_refund, expect_retry=expect_retry
    )
    return await all_rows(resources, Refund)
