"""Databases of their own for backup tests, and backup settings on the moto S3 server."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy.engine import make_url

from pickey_core.migrations import alembic_config
from tests.support.backup_databases import NewDatabase
from tests.support.infra import _admin_execute, admin_database_url, drop_database


@pytest.fixture
async def new_database() -> AsyncIterator[NewDatabase]:
    """Make an empty database with a unique name (dropped after the test); returns its URL."""
    created: list[str] = []

    async def make(label: str) -> str:
        name = f"pickey_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        await _admin_execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = make_url(admin_database_url()).set(database=name)
        return url.render_as_string(hide_password=False)

    yield make
    for name in created:
        await drop_database(name)


@pytest.fixture
async def migrated_database(new_database: NewDatabase) -> str:
    url = await new_database("backup_source")
    # Alembic runs its own event loop: give it a thread without one.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    return url
