"""``/livez`` (the process answers; touches nothing), ``/readyz`` (database and Redis answer) and
``/metrics`` (Prometheus)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from pickey_core.errors import ErrorDetail, ServiceUnavailable
from pickey_core.http.draining import is_draining
from pickey_core.resources import Resources

router = APIRouter(include_in_schema=False)

READINESS_TIMEOUT_SECONDS = 2.0


@router.get("/livez")
async def livez() -> dict[str, str]:
    return {"status": "ok"}


async def _database(resources: Resources) -> None:
    async with resources.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _redis(resources: Resources) -> None:
    await resources.redis.ping()


@router.get("/readyz")
async def readyz(request: Request) -> dict[str, str]:
    retry_after = {"Retry-After": str(request.app.state.settings.unavailable_retry_after_seconds)}
    if is_draining(request.app):
        raise ServiceUnavailable(
            "Shutting down; send new requests elsewhere.", code="draining", headers=retry_after
        )
    resources: Resources = request.app.state.resources
    failures = []
    for name, check in (("database", _database), ("redis", _redis)):
        try:
            await asyncio.wait_for(check(resources), READINESS_TIMEOUT_SECONDS)
        except Exception as error:
            failures.append(
                ErrorDetail(loc=[name], message=str(error) or type(error).__name__, type="down")
            )
    if failures:
        raise ServiceUnavailable(
            "Not ready.", code="not_ready", details=failures, headers=retry_after
        )
    return {"status": "ready"}


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
