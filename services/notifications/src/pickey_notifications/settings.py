"""Settings of the notifications service (``PICKEY_...``)."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from pickey_core.providers.mailgun import MAX_RECIPIENTS, MailgunConfig
from pickey_core.providers.pusher import (
    MAX_CHANNELS_PER_EVENT,
    MAX_EVENTS_PER_BATCH,
    PusherConfig,
)
from pickey_core.public_urls import PublicUrl
from pickey_core.settings import PickeySettings


class MailgunWebhookConfig(BaseModel):
    """How ``POST /webhooks/mailgun`` trusts a request (``PICKEY_MAILGUN_WEBHOOK__...``)."""

    model_config = ConfigDict(frozen=True)

    signing_key: SecretStr = Field(
        default=SecretStr("sandbox"),
        description="Mailgun's HTTP webhook signing key (Sending → Webhooks in Mailgun's "
        "dashboard; not the API key). The default matches the sandbox and is refused outside "
        "development.",
    )
    max_age_seconds: int = Field(
        default=900,
        ge=30,
        le=86_400,
        description="A webhook whose signed timestamp is further than this from our clock is "
        "refused (406); tokens of fresh ones are stored for good, so a replay is refused too.",
    )


class UnsubscribeConfig(BaseModel):
    """The one-click unsubscribe link in non-transactional email (``PICKEY_UNSUBSCRIBE__...``)."""

    model_config = ConfigDict(frozen=True)

    base_url: PublicUrl = Field(
        default="http://127.0.0.1:8003",
        description="Public URL of this service; links are {base_url}/unsubscribe?token=...",
    )
    signing_key: SecretStr = Field(
        default=SecretStr("development"),
        description="HMAC key that signs unsubscribe links (32+ random characters). Changing it "
        "breaks the links in emails already sent.",
    )


class DeliveryConfig(BaseModel):
    """Batching, fan-out and the ledger's timing (``PICKEY_DELIVERY__...``)."""

    model_config = ConfigDict(frozen=True)

    email_batch_size: int = Field(
        default=MAX_RECIPIENTS,
        ge=1,
        le=MAX_RECIPIENTS,
        description="Recipients per Mailgun call (batch sending with recipient variables).",
    )
    realtime_channels_per_event: int = Field(
        default=MAX_CHANNELS_PER_EVENT,
        ge=1,
        le=MAX_CHANNELS_PER_EVENT,
        description="Channels per Pusher trigger when several recipients get the same event.",
    )
    realtime_batch_size: int = Field(
        default=MAX_EVENTS_PER_BATCH,
        ge=1,
        le=MAX_EVENTS_PER_BATCH,
        description="Events per Pusher batch call for recipients whose events differ.",
    )
    fan_out_chunk_size: int = Field(
        default=1_000,
        ge=1,
        le=10_000,
        description="Recipients per fan-out job of a new post or a live announcement.",
    )
    lease_seconds: int = Field(
        default=60,
        ge=5,
        le=3_600,
        description="A claimed delivery is not claimed again for this long; a run that died "
        "mid-call is resent after it. Longer than any provider call may take.",
    )
    ask_after_seconds: float = Field(
        default=30,
        ge=0,
        le=3_600,
        description="A call whose outcome is unknown (timeout, crash) is asked about (Mailgun's "
        "events API) before anything is sent again, once it is this old: the provider's event "
        "record may lag behind its answer.",
    )
    resume_after_seconds: int = Field(
        default=600,
        ge=1,
        description="Deliveries left pending (or claimed by a dead run) this long are resumed "
        "by the worker's delivery sweeper, whatever happened to their job.",
    )
    resume_batch_size: int = Field(
        default=2_000, ge=1, description="Deliveries one sweep resumes at most."
    )


class NotificationsSettings(PickeySettings):
    service_name: str = "notifications"
    port: int = Field(default=8003, ge=1, le=65535)
    mailgun: MailgunConfig = Field(
        description="PICKEY_MAILGUN__DOMAIN, PICKEY_MAILGUN__API_KEY, PICKEY_MAILGUN__BASE_URL "
        "(the sandbox in development), PICKEY_MAILGUN__SENDER."
    )
    mailgun_webhook: MailgunWebhookConfig = MailgunWebhookConfig()
    pusher: PusherConfig = Field(
        default_factory=PusherConfig,
        description="PICKEY_PUSHER__APP_ID, __KEY, __SECRET, __CLUSTER; __BASE_URL is the "
        "sandbox in development.",
    )
    unsubscribe: UnsubscribeConfig = UnsubscribeConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    app_url: PublicUrl = Field(
        default="http://127.0.0.1:5173",
        description="The web app's public URL, for links in messages.",
    )

    @model_validator(mode="after")
    def _lease_outlasts_a_call(self) -> Self:
        longest_call = max(self.mailgun.timeout_seconds, self.pusher.timeout_seconds)
        if self.delivery.lease_seconds <= 2 * longest_call:
            raise ValueError(
                f"PICKEY_DELIVERY__LEASE_SECONDS must exceed twice the longest provider call "
                f"({longest_call:g}s), or a slow call could be sent twice"
            )
        return self
