"""Settings of the api service (``PICKEY_...``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from pickey_core.settings import PickeySettings, StorageConfig

SESSION_SECRET_MIN_LENGTH = 32


class SpaConfig(BaseModel):
    """The web app's public runtime configuration (``PICKEY_SPA__...``), served as
    ``/config.json`` so one frontend image runs in every environment. Nothing secret here."""

    model_config = ConfigDict(frozen=True)

    app_url: str = Field(default="http://localhost:3000", description="The web app's public URL.")
    api_base_url: str = Field(
        default="http://localhost:8000/api/v1", description="Where the web app finds the API."
    )
    payments_base_url: str = Field(
        default="http://localhost:8001/payments/v1", description="Where checkout starts."
    )
    analytics_id: str | None = Field(default=None, description="Web analytics property id.")
    pusher_key: str | None = Field(default=None, description="Pusher app key (public).")
    pusher_cluster: str = Field(default="eu", description="Pusher cluster.")
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

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < SESSION_SECRET_MIN_LENGTH:
            raise ValueError(f"must be at least {SESSION_SECRET_MIN_LENGTH} characters")
        return value
