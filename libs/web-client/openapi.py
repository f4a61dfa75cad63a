"""Write each service's OpenAPI document as JSON: ``python libs/web-client/openapi.py OUT_DIR``.

The typed web client is generated from these (``just client``). The apps are built with
development settings and never started: building an app opens no connection, and the document
does not depend on the environment.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from pickey_api.app import create_app as api_app
from pickey_api.settings import ApiSettings
from pickey_media.app import create_app as media_app
from pickey_media.settings import MediaSettings
from pickey_notifications.app import create_app as notifications_app
from pickey_notifications.settings import NotificationsSettings
from pickey_payments.app import create_app as payments_app
from pickey_payments.settings import PaymentsSettings

DEVELOPMENT: dict[str, Any] = {"_env_file": None, "environment": "development"}
SERVICES: dict[str, Callable[[], FastAPI]] = {
    "api": lambda: api_app(ApiSettings(**DEVELOPMENT, session_secret="x" * 32)),
    "payments": lambda: payments_app(PaymentsSettings(**DEVELOPMENT)),
    "media": lambda: media_app(MediaSettings(**DEVELOPMENT)),
    "notifications": lambda: notifications_app(
        NotificationsSettings(
            **DEVELOPMENT, mailgun={"domain": "mg.pickey.test", "api_key": "sandbox-mailgun-key"}
        )
    ),
}


def main(out_dir: str) -> None:
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in SERVICES.items():
        document = build().openapi()
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
        (folder / f"{name}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "libs/web-client/openapi")
