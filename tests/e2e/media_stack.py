"""The processes a media flow needs, started by their entry points: the api server, the media
server (Mux's webhooks reach it through the sandbox) and the media worker, on S3 (the moto
server) and the sandbox; plus HTTP helpers for a creator and a fan."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from pickey_core.models import Creator, Tier, User
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from tests.support import factories as make
from tests.support.accounts import verify_email_async
from tests.support.creators import become_creator
from tests.support.db import all_rows
from tests.support.mux import MuxSandbox
from tests.support.processes import RunningProcess, running_all, web, worker
from tests.support.settings import TestEnvironment

PASSWORD = "na-vecna-loviste-42"
WEBHOOK_SECRET = "whsec-e2e-0123456789abcdef"
T = TypeVar("T")


@dataclass
class Stack:
    api_url: str
    media_url: str
    processes: dict[str, RunningProcess]
    database_url: str


def storage_variables(config: StorageConfig) -> dict[str, str]:
    assert config.s3_endpoint_url is not None
    return {
        "PICKEY_STORAGE__BACKEND": "s3",
        "PICKEY_STORAGE__S3_ENDPOINT_URL": config.s3_endpoint_url,
        "PICKEY_STORAGE__S3_REGION": config.s3_region,
        "PICKEY_STORAGE__S3_BUCKET": config.s3_bucket,
        "PICKEY_STORAGE__S3_ACCESS_KEY_ID": config.s3_access_key_id.get_secret_value(),
        "PICKEY_STORAGE__S3_SECRET_ACCESS_KEY": config.s3_secret_access_key.get_secret_value(),
    }


@asynccontextmanager
async def media_stack(
    test_env: TestEnvironment,
    storage: StorageConfig,
    mux: MuxSandbox,
    log_dir: Path,
    **worker_env: str,
) -> AsyncIterator[Stack]:
    """api + media servers and a media worker; the sandbox delivers Mux webhooks to media."""
    api, api_url = web("api")
    media, media_url = web("media")
    env = {
        **test_env.variables(),
        **storage_variables(storage),
        "PICKEY_SESSION__COOKIE_SECURE": "false",  # plain http on localhost
        "PICKEY_MUX_WEBHOOK__SECRETS": WEBHOOK_SECRET,
    }
    mux.deliver_webhooks(f"{media_url}/webhooks/mux", WEBHOOK_SECRET, retry_delays_seconds=[0.2])
    with running_all(
        [api, media, worker("media", **worker_env)], env=env, log_dir=log_dir
    ) as processes:
        yield Stack(api_url, media_url, processes, test_env.database_url)


async def signed_in(stack: Stack, email: str) -> httpx.AsyncClient:
    """Signed up (which logs in) with the email address verified."""
    client = httpx.AsyncClient(base_url=f"{stack.api_url}/api/v1", timeout=30)
    body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0]}
    signed_up = await client.post("/accounts", json=body)
    assert signed_up.status_code == 201, signed_up.text
    await verify_email_async(stack.database_url, email)
    client.headers["X-CSRF-Token"] = signed_up.json()["csrf_token"]
    return client


async def creator_with_tier(client: httpx.AsyncClient, slug: str) -> dict[str, Any]:
    """The signed-in user becomes creator ``slug`` with one tier (99 Kč); the tier is returned."""
    await become_creator(client, slug)
    tier = await client.post(
        "/creators/me/tiers", json={"name": "Na steaky", "price_amount": 9900, "currency": "CZK"}
    )
    assert tier.status_code == 201, tier.text
    result: dict[str, Any] = tier.json()
    return result


async def member_of(resources: Resources, email: str, tier_id: str) -> None:
    """The fan pays for the tier (payments' part, written straight to the database)."""
    [fan] = await all_rows(resources, User, User.email == email)
    [tier] = await all_rows(resources, Tier, Tier.id == uuid.UUID(tier_id))
    async with resources.unit_of_work() as session:
        await make.membership(session, fan, tier)
        creator = await session.get(Creator, tier.creator_id)
        assert creator is not None
        await make.follow(session, fan, creator)


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout: float = 60) -> T:
    """``check()`` once it returns something truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout}s")


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.is_success, response.text
    body: dict[str, Any] = response.json()
    return body
