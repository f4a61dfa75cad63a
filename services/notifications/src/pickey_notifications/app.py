"""The notifications HTTP app: health and metrics now; provider webhooks (Mailgun) later."""

from __future__ import annotations

from fastapi import FastAPI

from pickey_core.http.app import create_app as create_service_app
from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings


def create_app(settings: NotificationsSettings, resources: Resources | None = None) -> FastAPI:
    return create_service_app(settings, title="Pickey notifications", resources=resources)
