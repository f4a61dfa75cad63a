"""The media worker: consumes the media queue and, like every worker, sweeps the outbox."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.contracts import Queue
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_media.settings import MediaSettings

# Jobs arrive with the media features; meanwhile the worker consumes its queue and sweeps.
ROUTES: list[JobRoute[Any]] = []


def media_worker(settings: MediaSettings) -> dict[str, Any]:
    return worker_options(settings, Queue.MEDIA, ROUTES)
