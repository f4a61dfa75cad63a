"""The notifications worker's jobs run in-process on real PostgreSQL, Redis and the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.app import create_app
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.support.processes import free_port
from tests.support.settings import TestEnvironment


@pytest.fixture
def settings(test_env: TestEnvironment) -> NotificationsSettings:
    # Short backoff: retried jobs come back within the test.
    return test_env.notifications(worker={"retry_backoff_max_seconds": 1})


@pytest.fixture
def worker(settings: NotificationsSettings) -> WorkerOptions:
    return notifications_worker(settings)


@pytest.fixture
async def resources(settings: NotificationsSettings, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(settings)
    yield opened
    await opened.close()


@pytest.fixture
async def app_client(
    settings: NotificationsSettings, resources: Resources
) -> AsyncIterator[httpx.AsyncClient]:
    """The notifications web app in-process (webhooks, unsubscribe)."""
    app = create_app(settings, resources=resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://notify.pickey.test"
    ) as client:
        yield client


@pytest.fixture
async def app_url(settings: NotificationsSettings, resources: Resources) -> AsyncIterator[str]:
    """The notifications web app served over real HTTP in this event loop, for the sandbox to
    post webhooks to (call the sandbox from a thread meanwhile: ``asyncio.to_thread``)."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, resources=resources),
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
