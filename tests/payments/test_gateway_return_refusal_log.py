"""A refused GP webpay return logs the same refusal line as a refused webhook: a warning with
the provider and the reason, and not the digests."""

from __future__ import annotations

import pytest

from pickey_core.resources import Resources
from pickey_payments.settings import PaymentsSettings
from tests.support.gateway_returns import (
    membership_checkout,
    replace,
    send,
    settings_trusting_the_test_gateway_key,
    signed,
)
from tests.support.logs import as_lines, captured_logs, refusals
from tests.support.payments_fans import FanFactory, Shop
from tests.support.settings import TestEnvironment


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return settings_trusting_the_test_gateway_key(test_env)


async def test_a_tampered_return_is_logged_as_refused_without_the_digests(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    good = signed(created)
    digests = dict(good)

    with captured_logs() as entries:
        response = await send(fan, replace(good, "PRCODE", "1"))

    assert response.json()["error"]["code"] == "return_signature_invalid"
    [line] = refusals(entries, "gpwebpay")
    assert (line["log_level"], line["reason"]) == ("warning", "return_signature_invalid")
    output = as_lines(entries)
    assert digests["DIGEST"] not in output
    assert digests["DIGEST1"] not in output
