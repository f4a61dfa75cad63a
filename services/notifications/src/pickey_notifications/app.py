"""The notifications HTTP app: Mailgun's webhooks, the unsubscribe link, health and metrics."""

from __future__ import annotations

from fastapi import FastAPI

from pickey_core.http.app import create_app as create_service_app
from pickey_core.resources import Resources
from pickey_notifications.mailgun_webhooks.endpoints import router as webhooks_router
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.unsubscribe.endpoints import router as unsubscribe_router


def create_app(settings: NotificationsSettings, resources: Resources | None = None) -> FastAPI:
    return create_service_app(
        settings,
        title="Pickey notifications",
        routers=[webhooks_router, unsubscribe_router],
        resources=resources,
    )
