"""``pickey-media serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service
from pickey_media.settings import MediaSettings


def main() -> None:
    run_service(
        "media",
        MediaSettings,
        create_app="pickey_media.app:create_app",
        worker_options="pickey_media.worker:media_worker",
    )


if __name__ == "__main__":
    main()
