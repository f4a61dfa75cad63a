"""A refused GP webpay return logs the same refusal line as a refused webhook: a warning with
the provider and the reason, and not the digests."""

from __future__ import annotations

from pickey_core.resources import Resources
from tests.payments.test_gateway_return_rules import (
    membership_checkout,
    payments_settings,
    replace,
    send,
    signed,
)
from tests.support.logs import as_lines, captured_logs, refusals
from tests.support.payments_fans import FanFactory, Shop

__all__ = ["payments_settings"]  # the fixture with this module's gateway key


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
