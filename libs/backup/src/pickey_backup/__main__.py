"""``pickey-backup run | list | restore [--key KEY] --target-database-url URL``.

``run`` is what the CronJob does. ``restore`` never writes into a database that has tables:
restore into a new database, check it, then point the services at it.
"""

from __future__ import annotations

import argparse
import asyncio

from pickey_backup.postgres import PostgresToolFailed
from pickey_backup.settings import BackupSettings
from pickey_backup.tergum import (
    BackupFailed,
    RestoreRefused,
    list_dumps,
    restore_backup,
    run_backup,
)
from pickey_core.observability.logging import configure_logging
from pickey_core.settings import load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="pickey-backup", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="dump the database, upload it, delete expired dumps")
    sub.add_parser("list", help="list this database's dumps, oldest first")
    restore = sub.add_parser("restore", help="restore a dump into an empty database")
    restore.add_argument("--key", help="the dump's key (default: the latest)")
    restore.add_argument(
        "--target-database-url",
        required=True,
        help="postgresql+asyncpg://... of an empty (or missing) database",
    )
    args = parser.parse_args(argv)

    settings = load_settings(BackupSettings)
    configure_logging(settings)
    try:
        if args.command == "run":
            asyncio.run(run_backup(settings))
        elif args.command == "list":
            for key in asyncio.run(list_dumps(settings)):
                print(key)
        elif args.command == "restore":
            asyncio.run(restore_backup(settings, args.key, args.target_database_url))
    except (BackupFailed, RestoreRefused, PostgresToolFailed) as error:
        parser.exit(1, f"pickey-backup: {error}\n")


if __name__ == "__main__":
    main()
