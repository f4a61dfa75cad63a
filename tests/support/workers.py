"""Run a service's real arq worker in the test's event loop until its queue is empty."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.resilient_worker import ResilientWorker


async def drain(options: dict[str, Any], *, max_burst_jobs: int = -1) -> ResilientWorker:
    """Run the worker in burst mode: every queued job (and due cron job) runs, then it stops."""
    worker = ResilientWorker(
        **options, burst=True, handle_signals=False, max_burst_jobs=max_burst_jobs
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker
