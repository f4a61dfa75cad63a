"""The payments HTTP app: health and metrics now; its routes arrive with its features."""

from __future__ import annotations

from fastapi import FastAPI

from pickey_core.http.app import create_app as create_service_app
from pickey_core.resources import Resources
from pickey_payments.settings import PaymentsSettings


def create_app(settings: PaymentsSettings, resources: Resources | None = None) -> FastAPI:
    return create_service_app(settings, title="Pickey payments", resources=resources)
