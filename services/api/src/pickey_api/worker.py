"""The api worker: consumes the api queue, publishes scheduled posts on time, sweeps the outbox."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from pickey_api.posts.tasks import publish_due_posts
from pickey_api.settings import ApiSettings
from pickey_core.queue.contracts import Queue
from pickey_core.queue.worker import JobRoute, worker_options

ROUTES: list[JobRoute[Any]] = []

# A post scheduled for 18:00:00 is out by 18:00:10 at the latest.
PUBLISH_EVERY_SECONDS = 10


def api_worker(settings: ApiSettings) -> dict[str, Any]:
    options = worker_options(settings, Queue.API, ROUTES)
    options["cron_jobs"] = [
        *options["cron_jobs"],
        cron(
            publish_due_posts,
            name="posts.publish_due",
            second=set(range(0, 60, PUBLISH_EVERY_SECONDS)),
            run_at_startup=True,
            unique=True,
            max_tries=1,
            timeout=60,
        ),
    ]
    return options
