"""Real-browser tests: Playwright (Python) driving Debian's chromium against a stack of real
processes on free ports, the way a person uses `just dev`.

Never a downloaded browser (``playwright install`` is not used): the Debian package's
``/usr/bin/chromium`` is launched headless, without sandbox (CI runs as root) and with every
background network feature off. Playwright gives each launch a fresh temporary profile
(user-data dir). Screenshots of every page go to ``test-results/browser/`` beside the results.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser_stack import Stack
from tests.support.processes import Service, free_port, python_command, running_all, web, worker
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def screenshots(request: pytest.FixtureRequest) -> Path:
    folder = Path(request.config.rootpath) / "test-results" / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def stack(
    test_env: TestEnvironment, screenshots: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """api, payments (web and worker), the notifications worker and the web stand-in, on one
    host name (127.0.0.1) as in `just dev`; the session's provider sandbox plays GP webpay and
    Mailgun. One stack for the module: every test uses its own people (unique addresses)."""
    api, api_url = web("api")
    payments, payments_url = web("payments")
    web_port = free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    stand_in = Service(
        name="web-stand-in",
        command=python_command(
            "pickey_sandbox.web", "--port", str(web_port), "--config-url", f"{api_url}/config.json"
        ),
        ready_url=f"{web_url}/livez",
    )
    env = {
        **test_env.variables(),
        "PICKEY_SESSION__COOKIE_SECURE": "false",  # plain http, as in `just dev`
        "PICKEY_CORS__ALLOWED_ORIGINS": web_url,
        "PICKEY_SPA__APP_URL": web_url,
        "PICKEY_SPA__API_BASE_URL": f"{api_url}/api/v1",
        "PICKEY_SPA__PAYMENTS_BASE_URL": f"{payments_url}/payments/v1",
        "PICKEY_APP_URL": web_url,
        "PICKEY_GPWEBPAY__RETURN_URL": f"{payments_url}/payments/v1/gpwebpay/return",
        "PICKEY_GPWEBPAY__RESULT_PAGE_URL": f"{web_url}/payments/result",
    }
    services = [api, payments, worker("payments"), worker("notifications"), stand_in]
    log_dir = tmp_path_factory.mktemp("browser-stack")
    with (
        running_all(services, env=env, log_dir=log_dir),
        httpx.Client(base_url=test_env.sandbox_url, timeout=30) as http,
    ):
        mailgun = MailgunSandbox(test_env.sandbox_url, http)
        yield Stack(web_url, api_url, payments_url, test_env.sandbox_url, mailgun, screenshots)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
