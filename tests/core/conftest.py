"""Fixtures shared by the core tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.probe_app import client_for, settings_for
from tests.support.settings import TestEnvironment


@pytest.fixture
async def client(test_env: TestEnvironment) -> AsyncIterator[httpx.AsyncClient]:
    """The probe app with default settings (no CORS origins)."""
    async for opened in client_for(settings_for(test_env)):
        yield opened
