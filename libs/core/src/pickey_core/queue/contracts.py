"""The contract between services: which queue consumes which job, and each job's payload.

Producers and consumers import these models and nothing else of each other. Payloads travel as
JSON (``model_dump(mode="json")``) and are validated again by the consumer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Queue(StrEnum):
    """One arq queue per consuming service."""

    PAYMENTS = "pickey:queue:payments"
    MEDIA = "pickey:queue:media"
    NOTIFICATIONS = "pickey:queue:notifications"


class JobPayload(BaseModel):
    """Base of every job payload. Subclasses set ``job_name`` and ``queue``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_name: ClassVar[str]
    queue: ClassVar[Queue]


class SendWelcome(JobPayload):
    """A new account: greet the user (email and in-app)."""

    job_name = "notifications.send_welcome"
    queue = Queue.NOTIFICATIONS

    user_id: UUID
