"""The app factory every Pickey HTTP service uses: same errors, health, metrics, limits, logs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from pickey_core.errors import (
    ErrorBody,
    InvalidInput,
    PayloadTooLarge,
    ServiceUnavailable,
    error_responses,
)
from pickey_core.http import health
from pickey_core.http.cors import install_cors
from pickey_core.http.error_handlers import install_error_handlers
from pickey_core.http.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from pickey_core.http.openapi_errors import document_errors
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings

# Every route can answer these; documented once for all of them in OpenAPI.
COMMON_ERROR_RESPONSES = {
    **error_responses(InvalidInput, PayloadTooLarge, ServiceUnavailable),
    500: {"model": ErrorBody, "description": "Internal error"},
}

AppHook = Callable[[FastAPI], Awaitable[None]]


def create_app(
    settings: PickeySettings,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    on_startup: AppHook | None = None,
    on_shutdown: AppHook | None = None,
    resources: Resources | None = None,
    self_limited_paths: Sequence[str] = (),
) -> FastAPI:
    """Build a service's FastAPI app.

    ``resources`` lets a caller (a test) supply already-open connections; otherwise the app opens
    its own at start-up and closes them at shutdown. ``self_limited_paths`` are path prefixes
    whose routes bound their own request bodies (larger than ``max_request_body_bytes``).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = resources is None
        app.state.resources = resources if resources is not None else await Resources.open(settings)
        if on_startup is not None:
            await on_startup(app)
        try:
            yield
        finally:
            if on_shutdown is not None:
                await on_shutdown(app)
            if owned:
                await app.state.resources.close()

    app = FastAPI(
        title=title,
        lifespan=lifespan,
        docs_url="/docs" if settings.is_development else None,
        redoc_url=None,
    )
    app.state.settings = settings
    if resources is not None:
        app.state.resources = resources
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_request_body_bytes,
        exempt_prefixes=tuple(self_limited_paths),
    )
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    install_cors(app, settings.cors)
    app.include_router(health.router)
    for router in routers:
        app.include_router(router, responses=COMMON_ERROR_RESPONSES)
    document_errors(app)
    return app
