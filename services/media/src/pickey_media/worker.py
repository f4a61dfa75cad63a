"""The media worker: processes images and Mux events from the media queue and, like every worker,
sweeps the outbox."""

from __future__ import annotations

import asyncio
from typing import Any

from pickey_core.queue.contracts import HandleMuxEvent, ProcessImage, Queue
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_core.storage import Storage, create_storage
from pickey_media.images.tasks import (
    IMAGE_LIMITS_CLIENT,
    IMAGE_SLOTS_CLIENT,
    STORAGE_CLIENT,
    process_image,
)
from pickey_media.settings import MediaSettings
from pickey_media.webhooks.tasks import handle_mux_event

ROUTES: list[JobRoute[Any]] = [
    JobRoute(ProcessImage, process_image),
    JobRoute(HandleMuxEvent, handle_mux_event),
]


def media_worker(settings: MediaSettings) -> dict[str, Any]:
    async def open_clients(ctx: dict[str, Any]) -> None:
        ctx["clients"][STORAGE_CLIENT] = create_storage(settings.storage)
        ctx["clients"][IMAGE_SLOTS_CLIENT] = asyncio.Semaphore(settings.images.concurrency)
        ctx["clients"][IMAGE_LIMITS_CLIENT] = settings.images

    async def close_clients(ctx: dict[str, Any]) -> None:
        storage: Storage | None = ctx.get("clients", {}).get(STORAGE_CLIENT)
        if storage is not None:
            await storage.close()

    return worker_options(
        settings, Queue.MEDIA, ROUTES, on_startup=open_clients, on_shutdown=close_clients
    )
