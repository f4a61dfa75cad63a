"""Settings for services under test, pointing at this worker's database, Redis and sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pickey_api.settings import ApiSettings
from pickey_core.providers.mailgun import MailgunConfig
from pickey_core.settings import StorageConfig
from pickey_notifications.settings import NotificationsSettings
from tests.support.sandbox import SANDBOX_MAILGUN_API_KEY, SANDBOX_MAILGUN_DOMAIN

SESSION_SECRET = "test-session-secret-0123456789abcdef0123456789"


@dataclass(frozen=True)
class TestEnvironment:
    __test__ = False
    """The same configuration, as keyword arguments (in-process) and as variables (processes)."""

    database_url: str
    redis_url: str
    sandbox_url: str

    def variables(self) -> dict[str, str]:
        return {
            "PICKEY_ENVIRONMENT": "test",
            "PICKEY_DATABASE_URL": self.database_url,
            "PICKEY_REDIS_URL": self.redis_url,
            "PICKEY_SESSION_SECRET": SESSION_SECRET,
            "PICKEY_MAILGUN__BASE_URL": self.sandbox_url,
            "PICKEY_MAILGUN__DOMAIN": SANDBOX_MAILGUN_DOMAIN,
            "PICKEY_MAILGUN__API_KEY": SANDBOX_MAILGUN_API_KEY,
            "PICKEY_WORKER__METRICS_PORT": "0",
            "PICKEY_WORKER__POLL_DELAY_SECONDS": "0.1",
            "PICKEY_LOG_LEVEL": "INFO",
            "PICKEY_LOG_JSON": "true",
        }

    def mailgun(self) -> MailgunConfig:
        return MailgunConfig(
            base_url=self.sandbox_url,
            domain=SANDBOX_MAILGUN_DOMAIN,
            api_key=SANDBOX_MAILGUN_API_KEY,
        )

    def api(self, storage: StorageConfig | None = None) -> ApiSettings:
        return ApiSettings(
            _env_file=None,
            environment="test",
            database_url=self.database_url,
            redis_url=self.redis_url,
            session_secret=SESSION_SECRET,
            storage=storage or StorageConfig(),
        )

    def notifications(self, **overrides: Any) -> NotificationsSettings:
        worker = {"metrics_port": 0, "poll_delay_seconds": 0.05, **overrides.pop("worker", {})}
        return NotificationsSettings(
            _env_file=None,
            environment="test",
            database_url=self.database_url,
            redis_url=self.redis_url,
            mailgun=self.mailgun(),
            worker=worker,
            **overrides,
        )


@pytest.fixture(scope="session")
def test_env(database_url: str, redis_url: str, sandbox_url: str) -> TestEnvironment:
    return TestEnvironment(database_url, redis_url, sandbox_url)
