"""``python -m pickey_core.migrate``: create the database if needed and apply migrations.

Commands: ``upgrade`` (default; to head), ``downgrade REV``, ``revision MESSAGE`` (autogenerate
a new migration from the models), ``check`` (fail if the models and migrations differ).
"""

from __future__ import annotations

import argparse
import asyncio

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from pickey_core.migrations import alembic_config
from pickey_core.settings import PickeySettings, load_settings


async def ensure_database(database_url: str) -> None:
    """Create the target database when it does not exist (a laptop's first run)."""
    url = make_url(database_url)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database="postgres",
    )
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", url.database
        )
        if not exists:
            await connection.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="pickey-migrate", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("upgrade", help="apply every migration (default)")
    down = sub.add_parser("downgrade", help="go back to a revision")
    down.add_argument("revision")
    rev = sub.add_parser("revision", help="autogenerate a migration from the models")
    rev.add_argument("message")
    sub.add_parser("check", help="fail if models and migrations differ")
    args = parser.parse_args(argv)

    settings = load_settings(PickeySettings)
    database_url = settings.database_url.unicode_string()
    config = alembic_config(database_url)
    if args.command in (None, "upgrade"):
        asyncio.run(ensure_database(database_url))
        command.upgrade(config, "head")
    elif args.command == "downgrade":
        command.downgrade(config, args.revision)
    elif args.command == "revision":
        command.revision(config, message=args.message, autogenerate=True)
    elif args.command == "check":
        command.check(config)


if __name__ == "__main__":
    main()
