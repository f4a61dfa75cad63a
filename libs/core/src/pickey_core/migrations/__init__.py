"""One migration history for the whole database (Alembic), shipped inside ``pickey_core``.

Rule for zero-downtime deploys (expand/contract): a migration must keep working for the code
that is still running. Add columns nullable or with defaults, add tables and indexes (indexes
``CONCURRENTLY`` in their own migration), backfill in a job; remove or rename only in a later
release, once no running code uses the old shape.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url`` without any ini file on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("path_separator", "os")
    return config
