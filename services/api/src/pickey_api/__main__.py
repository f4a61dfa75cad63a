"""``pickey-api serve``."""

from __future__ import annotations

from pickey_api.settings import ApiSettings
from pickey_core.cli import run_service


def main() -> None:
    run_service("api", ApiSettings, create_app="pickey_api.app:create_app")


if __name__ == "__main__":
    main()
