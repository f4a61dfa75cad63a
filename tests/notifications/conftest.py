"""The notifications worker's jobs run in-process on real PostgreSQL, Redis and the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.support.settings import TestEnvironment


@pytest.fixture
def settings(test_env: TestEnvironment) -> NotificationsSettings:
    # Short backoff: retried jobs come back within the test.
    return test_env.notifications(worker={"retry_backoff_max_seconds": 1})


@pytest.fixture
def worker(settings: NotificationsSettings) -> dict[str, Any]:
    return notifications_worker(settings)


@pytest.fixture
async def resources(settings: NotificationsSettings, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(settings)
    yield opened
    await opened.close()
