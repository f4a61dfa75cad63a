"""``pickey-notifications serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service

from pickey_notifications.app import create_app
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker


def main() -> None:
    run_service(
        "notifications",
        NotificationsSettings,
        create_app=create_app,
        worker_options=notifications_worker,
    )


if __name__ == "__main__":
    main()
