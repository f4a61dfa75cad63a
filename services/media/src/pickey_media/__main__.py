"""``pickey-media serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service

from pickey_media.app import create_app
from pickey_media.settings import MediaSettings
from pickey_media.worker import media_worker


def main() -> None:
    run_service("media", MediaSettings, create_app=create_app, worker_options=media_worker)


if __name__ == "__main__":
    main()
