"""Bodies of ``POST /webhooks/mailgun``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MailgunSignature(BaseModel):
    model_config = ConfigDict(extra="ignore")

    timestamp: str
    token: str
    signature: str


class MailgunWebhook(BaseModel):
    """Mailgun's JSON webhook: the signature block and the event."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    signature: MailgunSignature
    event_data: dict[str, Any] = Field(alias="event-data")


class WebhookAccepted(BaseModel):
    status: str = Field(default="accepted", description="Stored; a job applies it.")
