"""The shape of ``/config.json``: what the web app needs to know at run time, nothing secret."""

from __future__ import annotations

from pydantic import BaseModel


class PusherConfig(BaseModel):
    key: str
    cluster: str


class RuntimeConfig(BaseModel):
    environment: str
    app_url: str
    api_base_url: str
    payments_base_url: str
    default_locale: str
    analytics_id: str | None
    sentry_dsn: str | None
    mux_env_key: str | None
    pusher: PusherConfig
