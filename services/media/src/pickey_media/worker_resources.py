"""What the media worker's jobs share besides the database and Redis: its typed settings, the
object storage client, and the slots that bound how many images are decoded at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pickey_core.queue.worker import JobContext
from pickey_core.storage import Storage, create_storage
from pickey_media.settings import MediaSettings


@dataclass(frozen=True)
class MediaWorkerResources:
    settings: MediaSettings
    storage: Storage
    # One slot per image being decoded or encoded: bounds the worker's memory whatever max_jobs is.
    image_slots: asyncio.Semaphore

    @classmethod
    def open(cls, settings: MediaSettings) -> MediaWorkerResources:
        return cls(
            settings,
            create_storage(settings.storage),
            asyncio.Semaphore(settings.images.concurrency),
        )

    async def aclose(self) -> None:
        await self.storage.close()


# What this service's jobs and periodic jobs receive.
MediaJobContext = JobContext[MediaWorkerResources]
