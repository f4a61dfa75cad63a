"""Settings for services under test, pointing at this worker's database, Redis and sandbox."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pickey_api.settings import ApiSettings
from pickey_core.gpwebpay.config import GpWebpayConfig
from pickey_core.providers.mailgun import MailgunConfig
from pickey_core.providers.mux import MuxConfig
from pickey_core.providers.pusher import PusherConfig
from pickey_core.settings import StorageConfig
from pickey_notifications.settings import NotificationsSettings
from pickey_payments.settings import PaymentsSettings
from tests.support.sandbox import (
    SANDBOX_MAILGUN_API_KEY,
    SANDBOX_MAILGUN_DOMAIN,
    SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
    SANDBOX_PUSHER_APP_ID,
    SANDBOX_PUSHER_KEY,
    SANDBOX_PUSHER_SECRET,
)

SESSION_SECRET = "test-session-secret-0123456789abcdef0123456789"
UNSUBSCRIBE_SIGNING_KEY = "test-unsubscribe-signing-key-0123456789abcdef"
PUSHER_APP_ID = SANDBOX_PUSHER_APP_ID
PUSHER_KEY = SANDBOX_PUSHER_KEY
PUSHER_SECRET = SANDBOX_PUSHER_SECRET
# The sandbox's default Mux credentials; the signing key is made per test process, as Mux
# hands it out (base64 of a PKCS#1 PEM), so tests can verify tokens with its public key.
MUX_TOKEN_ID = "sandbox-mux-token-id"
MUX_TOKEN_SECRET = "sandbox"
MUX_SIGNING_KEY_ID = "test-signing-key-id"
MUX_SIGNING_PRIVATE_KEY = base64.b64encode(
    rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
).decode()

# GP webpay: a throwaway merchant key per test process (leading zeros in the number on purpose);
# the gateway key is the one the test sandbox serves, and the sandbox learns our public key.
GPWEBPAY_MERCHANT_NUMBER = "0012345678"
_GPWEBPAY_MERCHANT_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
GPWEBPAY_MERCHANT_PRIVATE_KEY = _GPWEBPAY_MERCHANT_KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()


@cache
def gpwebpay_gateway_public_key(sandbox_url: str) -> str:
    """The sandbox's gateway key, after registering our merchant key with it (once per run)."""
    public = _GPWEBPAY_MERCHANT_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        http.post(
            "/sandbox/gpwebpay/merchants",
            json={"merchant_number": GPWEBPAY_MERCHANT_NUMBER, "public_key": public.decode()},
        ).raise_for_status()
        return http.get("/sandbox/gpwebpay/public-key.pem").raise_for_status().text


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
            "PICKEY_PUSHER__APP_ID": PUSHER_APP_ID,
            "PICKEY_PUSHER__KEY": PUSHER_KEY,
            "PICKEY_PUSHER__SECRET": PUSHER_SECRET,
            "PICKEY_PUSHER__BASE_URL": self.sandbox_url,
            "PICKEY_MAILGUN_WEBHOOK__SIGNING_KEY": SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
            "PICKEY_UNSUBSCRIBE__SIGNING_KEY": UNSUBSCRIBE_SIGNING_KEY,
            "PICKEY_MUX__BASE_URL": self.sandbox_url,
            "PICKEY_MUX__TOKEN_ID": MUX_TOKEN_ID,
            "PICKEY_MUX__TOKEN_SECRET": MUX_TOKEN_SECRET,
            "PICKEY_MUX__SIGNING_KEY_ID": MUX_SIGNING_KEY_ID,
            "PICKEY_MUX__SIGNING_PRIVATE_KEY": MUX_SIGNING_PRIVATE_KEY,
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER": GPWEBPAY_MERCHANT_NUMBER,
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": GPWEBPAY_MERCHANT_PRIVATE_KEY,
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY": gpwebpay_gateway_public_key(self.sandbox_url),
            "PICKEY_GPWEBPAY__ORDER_URL": f"{self.sandbox_url}/pgw/order.do",
            "PICKEY_GPWEBPAY__WS_URL": f"{self.sandbox_url}/pay-ws/v1/PaymentService",
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

    def pusher(self) -> PusherConfig:
        return PusherConfig(
            app_id=PUSHER_APP_ID, key=PUSHER_KEY, secret=PUSHER_SECRET, base_url=self.sandbox_url
        )

    def mux(self) -> MuxConfig:
        return MuxConfig(
            base_url=self.sandbox_url,
            token_id=MUX_TOKEN_ID,
            token_secret=MUX_TOKEN_SECRET,
            signing_key_id=MUX_SIGNING_KEY_ID,
            signing_private_key=MUX_SIGNING_PRIVATE_KEY,
            cors_origin="https://app.pickey.test",
            backoff_base_seconds=0.01,
            backoff_max_seconds=0.5,
        )

    def api(self, storage: StorageConfig | None = None) -> ApiSettings:
        return ApiSettings(
            _env_file=None,
            environment="test",
            database_url=self.database_url,
            redis_url=self.redis_url,
            session_secret=SESSION_SECRET,
            storage=storage or StorageConfig(),
            pusher=self.pusher(),
            mux=self.mux(),
        )

    def gpwebpay(self, **overrides: Any) -> GpWebpayConfig:
        values: dict[str, Any] = {
            "merchant_number": GPWEBPAY_MERCHANT_NUMBER,
            "merchant_private_key": GPWEBPAY_MERCHANT_PRIVATE_KEY,
            "gateway_public_key": gpwebpay_gateway_public_key(self.sandbox_url),
            "order_url": f"{self.sandbox_url}/pgw/order.do",
            "ws_url": f"{self.sandbox_url}/pay-ws/v1/PaymentService",
            "ws_timeout_seconds": 5.0,
        }
        return GpWebpayConfig(**{**values, **overrides})

    def payments(self, **overrides: Any) -> PaymentsSettings:
        worker = {"metrics_port": 0, "poll_delay_seconds": 0.05, **overrides.pop("worker", {})}
        return PaymentsSettings(
            _env_file=None,
            environment="test",
            database_url=self.database_url,
            redis_url=self.redis_url,
            gpwebpay=overrides.pop("gpwebpay", None) or self.gpwebpay(),
            worker=worker,
            **overrides,
        )

    def notifications(self, **overrides: Any) -> NotificationsSettings:
        worker = {"metrics_port": 0, "poll_delay_seconds": 0.05, **overrides.pop("worker", {})}
        values: dict[str, Any] = {
            "mailgun": self.mailgun(),
            "pusher": self.pusher(),
            "mailgun_webhook": {"signing_key": SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY},
            "unsubscribe": {
                "base_url": "https://notify.pickey.test",
                "signing_key": UNSUBSCRIBE_SIGNING_KEY,
            },
        }
        return NotificationsSettings(
            _env_file=None,
            environment="test",
            database_url=self.database_url,
            redis_url=self.redis_url,
            worker=worker,
            **{**values, **overrides},
        )


@pytest.fixture(scope="session")
def test_env(database_url: str, redis_url: str, sandbox_url: str) -> TestEnvironment:
    return TestEnvironment(database_url, redis_url, sandbox_url)
