"""Settings of the sandbox process, read from ``PICKEY_SANDBOX_*`` environment variables.

The sandbox stands in for third parties, so it has its own settings class instead of extending
``pickey_core``'s: it must run (and be reasoned about) without any of our own code.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "PICKEY_SANDBOX_"
DEFAULT_MAILGUN_API_KEY = "sandbox-mailgun-key"
DEFAULT_MAILGUN_DOMAIN = "mg.pickey.test"
# Well-known sandbox credentials, equal to the api's development defaults for Mux.
DEFAULT_MUX_TOKEN_ID = "sandbox-mux-token-id"  # noqa: S105
DEFAULT_MUX_TOKEN_SECRET = "sandbox"  # noqa: S105
# Where `just dev` runs the media service, and the webhook secret its development settings accept.
DEFAULT_MUX_WEBHOOK_URL = "http://127.0.0.1:8002/webhooks/mux"
DEFAULT_MUX_WEBHOOK_SECRET = "sandbox"  # noqa: S105
# Mux retries a failed webhook for about 24 hours with growing delays.
DEFAULT_MUX_WEBHOOK_RETRY_SECONDS = (
    60.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    14400.0,
    21600.0,
    36000.0,
)
# Equal to Pickey's development defaults for Pusher (PICKEY_PUSHER__APP_ID, __KEY, __SECRET).
DEFAULT_PUSHER_APP_ID = "sandbox"
DEFAULT_PUSHER_KEY = "sandbox-key"
DEFAULT_PUSHER_SECRET = "sandbox"  # noqa: S105
DEFAULT_MAILGUN_WEBHOOK_SIGNING_KEY = "sandbox"


class SandboxConfig(BaseSettings):
    """Where the sandbox listens and which credentials its fake providers accept."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=9000, ge=0, le=65535)

    mailgun_api_key: SecretStr = Field(
        default=SecretStr(DEFAULT_MAILGUN_API_KEY),
        description="Password of HTTP Basic user `api` on the Mailgun API.",
    )
    mailgun_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_MAILGUN_DOMAIN],
        min_length=1,
        description="Sending domains the fake Mailgun knows; a JSON list or comma-separated.",
    )
    mailgun_max_messages: int = Field(
        default=10_000,
        ge=1,
        description="Oldest messages are forgotten beyond this, so a long-running sandbox "
        "does not grow without bound.",
    )

    mailgun_webhook_signing_key: SecretStr = Field(
        default=SecretStr(DEFAULT_MAILGUN_WEBHOOK_SIGNING_KEY),
        description="Signs the webhooks the fake Mailgun sends (its HTTP webhook signing key).",
    )

    pusher_app_id: str = Field(default=DEFAULT_PUSHER_APP_ID, min_length=1)
    pusher_key: str = Field(default=DEFAULT_PUSHER_KEY, min_length=1)
    pusher_secret: SecretStr = Field(
        default=SecretStr(DEFAULT_PUSHER_SECRET),
        description="Verifies the signature of every events API request, as Pusher does.",
    )
    pusher_max_events: int = Field(
        default=10_000,
        ge=1,
        description="Oldest stored events are forgotten beyond this (counters keep counting).",
    )

    mux_token_id: str = Field(
        default=DEFAULT_MUX_TOKEN_ID,
        description="HTTP Basic user (access token id) of the Mux API.",
    )
    mux_token_secret: SecretStr = Field(
        default=SecretStr(DEFAULT_MUX_TOKEN_SECRET),
        description="HTTP Basic password (access token secret) of the Mux API.",
    )
    mux_upload_timeout_seconds: int = Field(
        default=3600, ge=1, description="How long a direct upload waits for its file."
    )
    mux_webhook_url: str = Field(
        default=DEFAULT_MUX_WEBHOOK_URL,
        description="Where the fake Mux delivers its webhooks; empty delivers nothing.",
    )
    mux_webhook_secrets: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=lambda: [SecretStr(DEFAULT_MUX_WEBHOOK_SECRET)],
        min_length=1,
        description="Webhook signing secrets (one v1 each); a JSON list or comma-separated.",
    )
    mux_webhook_retry_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_MUX_WEBHOOK_RETRY_SECONDS),
        description="Waits before each retry of a webhook that got no 2xx; a JSON list or "
        "comma-separated.",
    )

    gpwebpay_private_key: SecretStr | None = Field(
        default=None,
        description="PEM private key the fake GP webpay signs with; empty uses the well-known "
        "development key (whose public half Pickey's development settings use).",
    )
    gpwebpay_private_key_file: str | None = Field(
        default=None, description="Path of that key instead of the PEM text."
    )
    gpwebpay_merchant_number: str = Field(
        default="0123456789",
        pattern=r"^[0-9]{1,10}$",
        description="Merchant known from the start (more via /sandbox/gpwebpay/merchants).",
    )
    gpwebpay_merchant_public_key: str | None = Field(
        default=None,
        description="PEM public key of that merchant; empty uses the development merchant key.",
    )
    gpwebpay_merchant_public_key_file: str | None = Field(
        default=None, description="Path of that public key instead of the PEM text."
    )

    @field_validator("mux_webhook_secrets", "mux_webhook_retry_seconds", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        """Accept a JSON list or ``a,b`` from the environment."""
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [i for i in text.split(",") if i]
        return value

    @field_validator("mailgun_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: Any) -> Any:
        """Accept ``["a", "b"]`` (JSON) and ``a,b`` from the environment; domains compare lower."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            return [str(domain).strip().lower() for domain in value if str(domain).strip()]
        return value
