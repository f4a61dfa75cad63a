"""Bad configuration stops the real entry point with one clear line, and never shows a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

VALID = {
    "PICKEY_ENVIRONMENT": "development",
    "PICKEY_SESSION_SECRET": "a-very-long-random-session-secret-0123456789",
    "PICKEY_MAILGUN__DOMAIN": "mg.pickey.test",
    "PICKEY_MAILGUN__API_KEY": "key-live-0123456789abcdef",
}


def start(
    module: str, role: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run the entry point in an empty folder (no .env) with only the given PICKEY_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PICKEY_")}
    return subprocess.run(
        [sys.executable, "-m", module, role],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "role", "changes", "expected"),
    [
        (
            "pickey_api",
            "serve",
            {"PICKEY_PORT": "eighty"},
            "PICKEY_PORT: Input should be a valid integer",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_PORT": "70000"},
            "PICKEY_PORT: Input should be less than or equal to 65535",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_SESSION_SECRET": None},
            "PICKEY_SESSION_SECRET: Field required",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_DATABASE_URL": "not a url"},
            "PICKEY_DATABASE_URL: Input should be a valid URL",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_DATABASE_URL": "postgresql://u@h/db"},
            "PICKEY_DATABASE_URL must use the asyncpg driver",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_REDIS_URL": "http://127.0.0.1:6379"},
            "PICKEY_REDIS_URL: URL scheme should be 'redis' or 'rediss'",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_ENVIRONMENT": "prod"},
            "PICKEY_ENVIRONMENT: Input should be 'development', 'test', 'staging' or 'production'",
        ),
        (
            "pickey_api",
            "serve",
            {"PICKEY_ENVIRONMENT": "production"},
            "PICKEY_STORAGE__BACKEND=local keeps files on one pod's disk",
        ),
        (
            "pickey_notifications",
            "worker",
            {"PICKEY_MAILGUN__API_KEY": None},
            "PICKEY_MAILGUN__API_KEY: Field required",
        ),
        (
            "pickey_notifications",
            "worker",
            {"PICKEY_ENVIRONMENT": "production", "PICKEY_MAILGUN__API_KEY": "changeme"},
            "PICKEY_MAILGUN__API_KEY is a placeholder",
        ),
        (
            "pickey_payments",
            "worker",
            {"PICKEY_WORKER__MAX_TRIES": "0"},
            "PICKEY_WORKER__MAX_TRIES: Input should be greater than or equal to 1",
        ),
        (
            "pickey_media",
            "serve",
            {"PICKEY_WORKER__OUTBOX_SWEEP_EVERY_SECONDS": "7"},
            "outbox_sweep_every_seconds must divide 60",
        ),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(
    tmp_path: Path, module: str, role: str, changes: dict[str, str | None], expected: str
) -> None:
    env = {**VALID, **changes}
    result = start(module, role, {k: v for k, v in env.items() if v is not None}, tmp_path)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_a_rejected_secret_is_not_echoed(tmp_path: Path) -> None:
    secret = "hunter2-but-too-short"
    result = start("pickey_api", "serve", {**VALID, "PICKEY_SESSION_SECRET": secret}, tmp_path)

    assert result.returncode == 2
    assert "PICKEY_SESSION_SECRET: must be at least 32 characters" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PICKEY_PORT=not-a-port\n")
    result = start("pickey_api", "serve", VALID, tmp_path)

    assert result.returncode == 2
    assert "PICKEY_PORT: Input should be a valid integer" in result.stderr
