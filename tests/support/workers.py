"""Run a service's real arq worker in the test's event loop until its queue is empty."""

from __future__ import annotations

from pickey_core.queue.resilient_worker import ResilientWorker
from pickey_core.queue.worker import JobContext, S, WorkerOptions
from pickey_core.resources import Resources


async def drain(options: WorkerOptions, *, max_burst_jobs: int = -1) -> ResilientWorker:
    """Run the worker in burst mode: every queued job (and due cron job) runs, then it stops."""
    worker = options.create(burst=True, handle_signals=False, max_burst_jobs=max_burst_jobs)
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


def job_context(
    resources: Resources, service: S, *, job_id: str = "test-job", job_try: int = 1
) -> JobContext[S]:
    """The context the worker gives a handler, for calling one handler directly."""
    return JobContext(resources, service, job_id, job_try)
