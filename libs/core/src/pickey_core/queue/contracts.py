"""The contract between services: which queue consumes which job, and each job's payload.

Producers and consumers import these models and nothing else of each other. Payloads travel as
JSON (``model_dump(mode="json")``) and are validated again by the consumer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Queue(StrEnum):
    """One arq queue per consuming service."""

    API = "pickey:queue:api"
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


class SendAccountEmail(JobPayload):
    """An account email carrying a one-time link (verify the address, reset the password).

    The raw token travels in the payload (and so sits in the outbox row until it is pruned);
    the api stores only its hash, it expires within hours and works once.
    """

    job_name = "notifications.send_account_email"
    queue = Queue.NOTIFICATIONS

    user_id: UUID
    purpose: Literal["verify_email", "password_reset"]
    token: str


class AnnounceNewPost(JobPayload):
    """A post became visible (published and its media ready): tell members and followers."""

    job_name = "notifications.announce_new_post"
    queue = Queue.NOTIFICATIONS

    post_id: UUID


class ProcessImage(JobPayload):
    """The original of an image asset is in storage: verify it and make its variants."""

    job_name = "media.process_image"
    queue = Queue.MEDIA

    asset_id: UUID
