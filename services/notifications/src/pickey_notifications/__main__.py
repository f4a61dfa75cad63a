"""``pickey-notifications serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service
from pickey_notifications.settings import NotificationsSettings


def main() -> None:
    run_service(
        "notifications",
        NotificationsSettings,
        create_app="pickey_notifications.app:create_app",
        worker_options="pickey_notifications.worker:notifications_worker",
    )


if __name__ == "__main__":
    main()
