"""``pickey-api serve|worker``."""

from __future__ import annotations

from pickey_api.settings import ApiSettings
from pickey_core.cli import run_service


def main() -> None:
    run_service(
        "api",
        ApiSettings,
        create_app="pickey_api.app:create_app",
        worker_options="pickey_api.worker:api_worker",
    )


if __name__ == "__main__":
    main()
