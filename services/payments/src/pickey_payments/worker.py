"""The payments worker: consumes the payments queue and, like every worker, sweeps the outbox."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.contracts import Queue
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_payments.settings import PaymentsSettings

# Jobs arrive with the payments features; meanwhile the worker consumes its queue and sweeps.
ROUTES: list[JobRoute[Any]] = []


def payments_worker(settings: PaymentsSettings) -> dict[str, Any]:
    return worker_options(settings, Queue.PAYMENTS, ROUTES)
