"""A refused Mailgun webhook logs the one refusal line (it used to log nothing): a warning with
the provider and the reason, and neither the signature, the token, the key nor the address."""

from __future__ import annotations

import httpx
import pytest

from tests.support.logs import as_lines, captured_logs, refusals
from tests.support.mailgun_webhooks import BOUNCE, MEMBER, signed
from tests.support.sandbox import SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY

FORGER_KEY = "key-of-someone-else-0123456789"


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("forged", 401, "signature_invalid"),
        ("unsigned", 401, "signature_missing"),
        ("stale", 406, "stale"),
        ("not-an-object", 400, "malformed_body"),
    ],
)
async def test_a_refused_mailgun_webhook_is_logged_without_secrets(
    app_client: httpx.AsyncClient, case: str, status: int, reason: str
) -> None:
    body: object = {
        "forged": signed(BOUNCE, key=FORGER_KEY),
        "unsigned": {"event-data": BOUNCE},
        "stale": signed(BOUNCE, timestamp=1_000_000_000),
        "not-an-object": [BOUNCE],
    }[case]

    with captured_logs() as entries:
        response = await app_client.post("/webhooks/mailgun", json=body)

    assert response.status_code == status
    [line] = refusals(entries, "mailgun")
    assert (line["log_level"], line["reason"]) == ("warning", reason)
    output = as_lines(entries)
    for secret in (FORGER_KEY, SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, MEMBER):
        assert secret not in output
    if isinstance(body, dict) and "signature" in body:
        assert body["signature"]["signature"] not in output
        assert body["signature"]["token"] not in output


async def test_a_replayed_mailgun_webhook_is_logged_as_refused(
    app_client: httpx.AsyncClient,
) -> None:
    body = signed(BOUNCE)
    assert (await app_client.post("/webhooks/mailgun", json=body)).status_code == 200

    with captured_logs() as entries:
        again = await app_client.post("/webhooks/mailgun", json=body)

    assert again.status_code == 406
    [line] = refusals(entries, "mailgun")
    assert (line["log_level"], line["reason"]) == ("warning", "replayed")
    assert body["signature"]["token"] not in as_lines(entries)
