"""Settings of the notifications service (``PICKEY_...``)."""

from __future__ import annotations

from pydantic import Field

from pickey_core.providers.mailgun import MailgunConfig
from pickey_core.settings import PickeySettings


class NotificationsSettings(PickeySettings):
    service_name: str = "notifications"
    port: int = Field(default=8003, ge=1, le=65535)
    mailgun: MailgunConfig = Field(
        description="PICKEY_MAILGUN__DOMAIN, PICKEY_MAILGUN__API_KEY, PICKEY_MAILGUN__BASE_URL "
        "(the sandbox in development), PICKEY_MAILGUN__SENDER."
    )
    app_url: str = Field(
        default="http://localhost:3000",
        description="The web app's public URL, for links in messages.",
    )
