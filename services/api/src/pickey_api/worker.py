"""The api worker: consumes the api queue, publishes scheduled posts on time, sweeps the outbox."""

from __future__ import annotations

from pickey_api.posts.tasks import publish_due_posts
from pickey_api.settings import ApiSettings
from pickey_api.worker_resources import ApiWorkerResources
from pickey_core.queue.contracts import Queue
from pickey_core.queue.worker import PeriodicJob, WorkerOptions, every_seconds, worker_options

# A post scheduled for 18:00:00 is out by 18:00:10 at the latest.
PUBLISH_EVERY_SECONDS = 10

PERIODIC: list[PeriodicJob[ApiWorkerResources]] = [
    PeriodicJob(
        "posts.publish_due",
        publish_due_posts,
        timeout=60,
        second=every_seconds(PUBLISH_EVERY_SECONDS),
    ),
]


def api_worker(settings: ApiSettings) -> WorkerOptions:
    return worker_options(
        settings,
        Queue.API,
        open_service=lambda: ApiWorkerResources(settings),
        routes=[],
        periodic=PERIODIC,
    )
