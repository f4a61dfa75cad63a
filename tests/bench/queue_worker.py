"""The two worker processes ``tests.bench.queue`` drains jobs with, one job that does nothing.

* ``ours``: a worker built by :func:`pickey_core.queue.worker.worker_options` exactly as a
  service builds it (settings from the environment and their defaults, JSON logs at INFO, the
  outbox check and completion, the sweeper, the monitors), consuming :class:`SendWelcome` with a
  handler that does nothing: what is measured is the queue's own cost per job.
* ``arq``: a plain :class:`arq.worker.Worker` with arq's defaults (``poll_delay`` 0.5 s,
  ``max_jobs`` 10...) and arq's own log configuration, as its command line would run it; only
  the serializer is ours (JSON: pickle is banned in this repository).

Both run until SIGTERM. Run: ``python -m tests.bench.queue_worker ours|arq``
(``PICKEY_DATABASE_URL`` and ``PICKEY_REDIS_URL`` set).
"""

from __future__ import annotations

import logging.config
import os
import sys
from typing import Any

from arq.connections import RedisSettings
from arq.logs import default_log_config
from arq.worker import Worker, func

from pickey_core.observability.logging import configure_logging
from pickey_core.queue.connection import deserialize_job, serialize_job
from pickey_core.queue.contracts import Queue, SendWelcome
from pickey_core.queue.worker import JobContext, JobRoute, worker_options
from pickey_core.settings import PickeySettings, load_settings

ARQ_QUEUE = "bench:arq"


class NoService:
    """The job needs no service resources."""

    async def aclose(self) -> None:
        return None


async def nothing(ctx: JobContext[NoService], payload: SendWelcome) -> None:
    return None


async def arq_nothing(ctx: dict[str, Any], data: object) -> None:
    return None


def run_ours() -> None:
    settings = load_settings(PickeySettings)
    configure_logging(settings)
    options = worker_options(
        settings,
        Queue.NOTIFICATIONS,
        open_service=NoService,
        routes=[JobRoute(SendWelcome, nothing)],
    )
    options.create().run()


def run_arq() -> None:
    logging.config.dictConfig(default_log_config(verbose=False))
    Worker(
        functions=[func(arq_nothing, name=SendWelcome.job_name)],
        redis_settings=RedisSettings.from_dsn(os.environ["PICKEY_REDIS_URL"]),
        queue_name=ARQ_QUEUE,
        job_serializer=serialize_job,
        job_deserializer=deserialize_job,
    ).run()


if __name__ == "__main__":
    {"ours": run_ours, "arq": run_arq}[sys.argv[1]]()
