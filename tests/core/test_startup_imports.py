"""A web process imports only what its configuration uses (issue 14, P7: start-up and idle memory).

Each service's app is built in a fresh interpreter, as ``pickey-<service> serve`` builds it, with
local storage; the test reads ``sys.modules`` there. No clock: a heavy library that creeps back
into a web process's imports fails here by name, whatever the machine's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENVIRONMENT = {
    "PICKEY_ENVIRONMENT": "development",
    "PICKEY_STORAGE__BACKEND": "local",
    "PICKEY_SESSION_SECRET": "a-very-long-random-session-secret-0123456789",
    "PICKEY_MAILGUN__DOMAIN": "mg.pickey.test",
    "PICKEY_MAILGUN__API_KEY": "key-live-0123456789abcdef",
}

# Libraries no web process needs at start-up: the S3 client stack (only with the S3 backend),
# PDF and template rendering (payments' receipts and statements, on first use), image decoding
# (the media worker's job), and test tools that must never reach an image.
NEVER_AT_START_UP = (
    "aioboto3",
    "aiobotocore",
    "botocore",
    "boto3",
    "fpdf",
    "fontTools",
    "PIL",
    "jinja2",
    "pyvips",
    "schemathesis",
    "pytest",
    "hypothesis",
)

BUILD_APP = """
import json, sys
from pickey_core.settings import load_settings
from {package}.app import create_app
from {package}.settings import {settings}
create_app(load_settings({settings}))
print(json.dumps(sorted(sys.modules)))
"""

SERVICES = [
    ("pickey_api", "ApiSettings"),
    ("pickey_payments", "PaymentsSettings"),
    ("pickey_media", "MediaSettings"),
    ("pickey_notifications", "NotificationsSettings"),
]


def modules_after_building(package: str, settings: str, cwd: Path) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PICKEY_")}
    result = subprocess.run(
        [sys.executable, "-c", BUILD_APP.format(package=package, settings=settings)],
        env={**clean, **ENVIRONMENT},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    modules: list[str] = json.loads(result.stdout.splitlines()[-1])
    return modules


@pytest.mark.parametrize(("package", "settings"), SERVICES)
def test_a_web_app_with_local_storage_imports_no_heavy_library(
    package: str, settings: str, tmp_path: Path
) -> None:
    modules = modules_after_building(package, settings, tmp_path)
    heavy = sorted({name.split(".")[0] for name in modules} & set(NEVER_AT_START_UP))
    assert heavy == [], f"{package} imports {heavy} at start-up"
