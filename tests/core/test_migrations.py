"""One migration history, and it matches the models exactly."""

from __future__ import annotations

import asyncio
import os

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from pickey_core.migrate import ensure_database
from pickey_core.migrations import alembic_config
from tests.support.infra import admin_database_url, drop_database


def test_models_and_migrations_agree(database_url: str) -> None:
    # Autogenerate against the migrated database: raises if it finds any difference.
    command.check(alembic_config(database_url))


def test_the_history_has_one_head(database_url: str) -> None:
    assert len(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()) == 1


def test_downgrade_to_nothing_and_upgrade_again(worker_id: str) -> None:
    name = f"pickey_roundtrip_{worker_id}_{os.getpid()}"
    url = make_url(admin_database_url()).set(database=name).render_as_string(hide_password=False)
    asyncio.run(drop_database(name))
    asyncio.run(ensure_database(url))  # the same helper `just migrate` uses on a first run
    try:
        config = alembic_config(url)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        command.check(config)
    finally:
        asyncio.run(drop_database(name))
