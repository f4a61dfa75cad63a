"""The media HTTP app: health, metrics and the Mux webhook."""

from __future__ import annotations

from fastapi import FastAPI

from pickey_core.http.app import create_app as create_service_app
from pickey_core.resources import Resources
from pickey_media.settings import MediaSettings
from pickey_media.webhooks.endpoints import router as webhooks


def create_app(settings: MediaSettings, resources: Resources | None = None) -> FastAPI:
    return create_service_app(
        settings, title="Pickey media", routers=[webhooks], resources=resources
    )
