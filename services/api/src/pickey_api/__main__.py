"""``pickey-api serve``."""

from __future__ import annotations

from pickey_core.cli import run_service

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings


def main() -> None:
    run_service("api", ApiSettings, create_app=create_app)


if __name__ == "__main__":
    main()
