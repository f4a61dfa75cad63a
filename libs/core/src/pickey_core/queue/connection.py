"""The Redis connection arq uses, with JSON instead of arq's default pickle."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from arq.connections import ArqRedis, RedisSettings
from redis.asyncio import ConnectionPool

from pickey_core.settings import PickeySettings


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    # arq stores a failed job's exception as its result; keep its text, not the object.
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def serialize_job(data: dict[str, Any]) -> bytes:
    """Serialize what arq stores (job arguments and results) as JSON: readable, language-neutral,
    and safe to load (pickle from Redis would run whatever code it names)."""
    return json.dumps(data, default=_json_default, separators=(",", ":")).encode()


def deserialize_job(raw: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def redis_settings(settings: PickeySettings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.redis_url.unicode_string())


async def create_redis(settings: PickeySettings) -> ArqRedis:
    """A lazily connecting pool: a web process starts (and reports not ready) when Redis is down."""
    pool = ConnectionPool.from_url(
        settings.redis_url.unicode_string(),
        socket_connect_timeout=settings.redis_connect_timeout_seconds,
        socket_timeout=settings.redis_command_timeout_seconds,
    )
    return ArqRedis(
        connection_pool=pool, job_serializer=serialize_job, job_deserializer=deserialize_job
    )
