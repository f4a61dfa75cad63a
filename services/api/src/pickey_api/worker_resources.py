"""What the api worker's jobs share besides the database and Redis: its typed settings."""

from __future__ import annotations

from dataclasses import dataclass

from pickey_api.settings import ApiSettings
from pickey_core.queue.worker import JobContext


@dataclass(frozen=True)
class ApiWorkerResources:
    settings: ApiSettings

    async def aclose(self) -> None:
        """Nothing to close: the api worker opens no provider client."""


# What this service's jobs and periodic jobs receive.
ApiJobContext = JobContext[ApiWorkerResources]
