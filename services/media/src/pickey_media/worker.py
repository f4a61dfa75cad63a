"""The media worker: processes images and Mux events from the media queue and, like every worker,
sweeps the outbox."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.contracts import HandleMuxEvent, ProcessImage, Queue
from pickey_core.queue.worker import JobRoute, WorkerOptions, worker_options
from pickey_media.images.tasks import process_image
from pickey_media.settings import MediaSettings
from pickey_media.webhooks.tasks import handle_mux_event
from pickey_media.worker_resources import MediaWorkerResources

ROUTES: list[JobRoute[MediaWorkerResources, Any]] = [
    JobRoute(ProcessImage, process_image),
    JobRoute(HandleMuxEvent, handle_mux_event),
]


def media_worker(settings: MediaSettings) -> WorkerOptions:
    return worker_options(
        settings,
        Queue.MEDIA,
        open_service=lambda: MediaWorkerResources.open(settings),
        routes=ROUTES,
    )
