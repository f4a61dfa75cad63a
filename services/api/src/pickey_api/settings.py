"""Settings of the api service (``PICKEY_...``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from pickey_api.auth.config import AuthConfig
from pickey_core.providers.mux import MuxConfig
from pickey_core.providers.pusher import PusherConfig
from pickey_core.public_urls import PublicUrl
from pickey_core.settings import PickeySettings, StorageConfig

SESSION_SECRET_MIN_LENGTH = 32


class SpaConfig(BaseModel):
    """The web app's public runtime configuration (``PICKEY_SPA__...``), served as
    ``/config.json`` so one frontend image runs in every environment. Nothing secret here."""

    model_config = ConfigDict(frozen=True)

    # Development defaults: one host name (127.0.0.1) for the web app, the services and the
    # payment result page, so cookies set by one are sent to the others.
    app_url: PublicUrl = Field(
        default="http://127.0.0.1:5173", description="The web app's public URL."
    )
    api_base_url: PublicUrl = Field(
        default="http://127.0.0.1:8000/api/v1", description="Where the web app finds the API."
    )
    payments_base_url: PublicUrl = Field(
        default="http://127.0.0.1:8001/payments/v1", description="Where checkout starts."
    )
    analytics_id: str | None = Field(default=None, description="Web analytics property id.")
    mux_env_key: str | None = Field(
        default=None, description="Mux Data environment key for player analytics (public)."
    )
    sentry_dsn: str | None = Field(default=None, description="Browser error reporting DSN.")
    default_locale: str = Field(
        default="cs", pattern="^(cs|en)$", description="Language before the user picks one."
    )


class ApiSettings(PickeySettings):
    service_name: str = "api"
    port: int = Field(default=8000, ge=1, le=65535)
    session_secret: SecretStr = Field(
        description="Signs session and CSRF tokens; at least 32 characters, random."
    )
    spa: SpaConfig = SpaConfig()
    storage: StorageConfig = StorageConfig()
    auth: AuthConfig = AuthConfig()
    max_tiers_per_creator: int = Field(
        default=10, ge=1, le=50, description="Non-archived tiers one creator may offer at once."
    )
    max_tiers_including_archived: int = Field(
        default=100, ge=1, le=1000, description="Tiers one creator may have, archived included."
    )
    public_cache_seconds: int = Field(
        default=60,
        ge=1,
        le=600,
        description="How long public reads stay cached in Redis: creator pages (writes forget "
        "them; member counts may lag by this much) and a creator's first page of posts for "
        "anonymous viewers (like, comment and vote counts may lag by this much).",
    )
    home_feed_cache_seconds: int = Field(
        default=3600,
        ge=60,
        le=86_400,
        description="How long Redis keeps which posts open a fan's home feed (about 550 bytes "
        "per fan active within it). Never stale: every read checks it against the fan's "
        "sources and their posts; this only bounds memory.",
    )
    pusher: PusherConfig = Field(
        default=PusherConfig(),
        description="Pusher app (PICKEY_PUSHER__APP_ID, __KEY, __SECRET, __CLUSTER): signs "
        "realtime channel authorizations.",
    )
    mux: MuxConfig = Field(
        default=MuxConfig(),
        description="Mux video (PICKEY_MUX__TOKEN_ID, __TOKEN_SECRET, __SIGNING_KEY_ID, "
        "__SIGNING_PRIVATE_KEY, __BASE_URL...): direct uploads, live streams, signed playback.",
    )
    image_upload_max_bytes: int = Field(
        default=25 * 1024 * 1024,
        ge=1,
        le=5 * 1024 * 1024 * 1024,
        description="Largest image a creator may upload, in bytes (checked when the upload is "
        "requested and enforced by the presigned policy).",
    )
    upload_url_ttl_seconds: int = Field(
        default=900,
        ge=60,
        le=7 * 24 * 3600,
        description="How long a presigned image upload form stays usable.",
    )

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < SESSION_SECRET_MIN_LENGTH:
            raise ValueError(f"must be at least {SESSION_SECRET_MIN_LENGTH} characters")
        return value


async def get_settings(request: Request) -> ApiSettings:
    """The api's settings, validated at startup (the one place that reads them off the app).

    ``async`` though it awaits nothing: FastAPI runs a plain ``def`` dependency in the thread
    pool, a thread hop on every request that needs settings (the signer of every feed page)."""
    settings = request.app.state.settings
    if not isinstance(settings, ApiSettings):  # a wiring mistake, not a request's fault
        raise TypeError(f"the api runs with ApiSettings, not {type(settings).__name__}")
    return settings


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
