"""Public URLs (links in emails, the gateway's return address, the web app's URLs) are refused
outside development and test when they point at this machine or an example domain, and the
error names the variable; the real entry point stops with that one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pickey_api.settings import ApiSettings
from pickey_core.public_urls import why_not_public
from pickey_core.settings import PickeySettings
from pickey_notifications.settings import NotificationsSettings
from pickey_payments.settings import PaymentsSettings
from tests.support.gpwebpay_keys import GATEWAY_PEM, MERCHANT_PEM

PUBLIC = "https://pickey.cz"
SECRET = "Vq3k9ZrT0aPl5mXw2cB8nY4hJ6sD1fG7"
# Production settings of each service with every public URL set to a real address.
GOOD: dict[type[PickeySettings], dict[str, Any]] = {
    ApiSettings: {
        "session_secret": SECRET,
        "storage": {"backend": "s3"},
        "pusher": {"secret": SECRET},
        "spa": {
            "app_url": PUBLIC,
            "api_base_url": f"{PUBLIC}/api/v1",
            "payments_base_url": f"{PUBLIC}/payments/v1",
        },
        "mux": {"cors_origin": PUBLIC, "token_secret": SECRET, "signing_private_key": MERCHANT_PEM},
    },
    PaymentsSettings: {
        "gpwebpay": {
            "merchant_number": "0012345678",
            "merchant_private_key": MERCHANT_PEM,
            "gateway_public_key": GATEWAY_PEM,
            "return_url": f"{PUBLIC}/payments/v1/gpwebpay/return",
            "result_page_url": f"{PUBLIC}/payments/result",
        }
    },
    NotificationsSettings: {
        "mailgun": {"domain": "mg.pickey.cz", "api_key": "key-" + SECRET},
        "mailgun_webhook": {"signing_key": SECRET},
        "unsubscribe": {"base_url": PUBLIC, "signing_key": SECRET},
        "pusher": {"secret": SECRET},
        "app_url": PUBLIC,
    },
}
# Every public URL setting: (settings, path in GOOD, variable).
PUBLIC_SETTINGS = [
    (ApiSettings, ("spa", "app_url"), "PICKEY_SPA__APP_URL"),
    (ApiSettings, ("spa", "api_base_url"), "PICKEY_SPA__API_BASE_URL"),
    (ApiSettings, ("spa", "payments_base_url"), "PICKEY_SPA__PAYMENTS_BASE_URL"),
    (ApiSettings, ("mux", "cors_origin"), "PICKEY_MUX__CORS_ORIGIN"),
    (PaymentsSettings, ("gpwebpay", "return_url"), "PICKEY_GPWEBPAY__RETURN_URL"),
    (PaymentsSettings, ("gpwebpay", "result_page_url"), "PICKEY_GPWEBPAY__RESULT_PAGE_URL"),
    (NotificationsSettings, ("unsubscribe", "base_url"), "PICKEY_UNSUBSCRIBE__BASE_URL"),
    (NotificationsSettings, ("app_url",), "PICKEY_APP_URL"),
]
LOCAL_URLS = [
    "http://127.0.0.1:8003",
    "http://localhost:3000",
    "http://[::1]:8001/payments/v1/gpwebpay/return",
    "http://0.0.0.0:8000",
    "https://pickey.example.com",
    "https://example.org/x",
    "https://app.pickey.test",
    "https://dev.localhost",
]


def with_url(model: type[PickeySettings], path: tuple[str, ...], url: str) -> dict[str, Any]:
    values = {
        key: dict(value) if isinstance(value, dict) else value for key, value in GOOD[model].items()
    }
    *parents, last = path
    target = values
    for key in parents:
        target = target[key]
    target[last] = url
    return values


@pytest.mark.parametrize("model", list(GOOD))
def test_real_public_urls_are_accepted_in_production(model: type[PickeySettings]) -> None:
    model(_env_file=None, environment="production", **GOOD[model])  # type: ignore[call-arg]


@pytest.mark.parametrize("url", LOCAL_URLS)
@pytest.mark.parametrize(("model", "path", "variable"), PUBLIC_SETTINGS)
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_local_or_example_public_urls_are_refused_naming_the_variable(
    model: type[PickeySettings], path: tuple[str, ...], variable: str, url: str, environment: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        model(_env_file=None, environment=environment, **with_url(model, path, url))  # type: ignore[call-arg]
    assert f"{variable} points at" in str(raised.value)


@pytest.mark.parametrize(("model", "path", "variable"), PUBLIC_SETTINGS)
@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_keep_their_local_defaults(
    model: type[PickeySettings], path: tuple[str, ...], variable: str, environment: str
) -> None:
    model(_env_file=None, environment=environment, **with_url(model, path, "http://127.0.0.1:1"))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "url",
    ["https://pickey.cz", "https://dev.pickey.cz/x", "http://10.0.0.5:8003", "https://example.cz"],
)
def test_reachable_addresses_are_public(url: str) -> None:
    assert why_not_public(url) is None


def test_a_url_without_host_is_refused() -> None:
    assert why_not_public("/unsubscribe") == "has no host"


def test_the_entry_point_stops_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    """The issue's case: prod values left the unsubscribe base URL at its 127.0.0.1 default."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PICKEY_")}
    env = {
        **clean,
        "PICKEY_ENVIRONMENT": "production",
        "PICKEY_MAILGUN__DOMAIN": "mg.pickey.cz",
        "PICKEY_MAILGUN__API_KEY": "key-" + SECRET,
        "PICKEY_MAILGUN_WEBHOOK__SIGNING_KEY": SECRET,
        "PICKEY_UNSUBSCRIBE__SIGNING_KEY": SECRET,
        "PICKEY_PUSHER__SECRET": SECRET,
        "PICKEY_APP_URL": PUBLIC,
    }
    result = subprocess.run(
        [sys.executable, "-m", "pickey_notifications", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "configuration error: PICKEY_UNSUBSCRIBE__BASE_URL points at 127.0.0.1, a loopback "
        "address; set the public URL (local and example addresses are allowed only in "
        "development and test)"
    )
