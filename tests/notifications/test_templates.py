"""Every email kind renders in Czech and English, as one person's email and as a batch with
Mailgun placeholders; non-transactional email carries the unsubscribe link, account and money
email does not; money and dates read as each language writes them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pickey_core.models import Channel
from pickey_notifications.deliveries.email_message import build_message
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.email.formatting import format_date, format_money
from pickey_notifications.kinds import KINDS, Kind
from pickey_notifications.settings import NotificationsSettings

FACTS: dict[str, Any] = {
    "post_id": "7b0e6c1e-0c1b-4f1e-9b1a-1f2e3d4c5b6a",
    "creator_id": "1c2d3e4f-0000-4000-8000-000000000001",
    "creator_name": "Gordíkey",
    "creator_slug": "gordikey",
    "title": "Steak night",
    "post_kind": "text",
    "access": "members",
    "locked": False,
    "excerpt": "A recipe.",
    "broadcast_id": "asset-1",
    "payment_id": "2c2d3e4f-0000-4000-8000-000000000002",
    "payment_kind": "membership",
    "amount": 9900,
    "currency": "CZK",
    "tier_name": "Na steaky",
    "post_title": "Steak night",
    "fan_name": "Petr",
    "period_end": "2026-12-24T09:00:00+00:00",
    "retry_at": None,
    "membership_id": "3c2d3e4f-0000-4000-8000-000000000003",
    "comment_id": "4c2d3e4f-0000-4000-8000-000000000004",
    "commenter_name": "Jana",
    "asset_id": "5c2d3e4f-0000-4000-8000-000000000005",
    "media_kind": "image",
    "reason_code": "unreadable_file",
    "reason": "The post was published twice by mistake.",
    "display_name": "Eva",
    "refund_id": "6c2d3e4f-0000-4000-8000-000000000006",
    "paid_amount": 9900,
    "automatic": False,
    "access_ended": True,
    "receipt_number": "R2026-000042",
    "iban_last4": "5399",
    "holder_name": "Jana Nováková",
    "changed_at": "2026-12-06T17:00:00+00:00",
    "code": "ABCDEFGHJKMNPQRS",
    "months": 3,
    "buyer_name": "Jana",
    "expires_at": "2026-12-09T17:00:00+00:00",
    "redemptions_count": 7,
    "max_redemptions": 50,
}
EMAIL_KINDS = [kind for kind, info in KINDS.items() if Channel.EMAIL in info.channels]
EXTRA = {
    Kind.VERIFY_EMAIL: {"link": "https://x.test/v"},
    Kind.PASSWORD_RESET: {"link": "https://x.test/r"},
}


def delivery(kind: Kind, locale: str, n: int = 0) -> Unsettled:
    return Unsettled(
        id=uuid.UUID(int=n + 1),
        channel=Channel.EMAIL,
        notification_id=uuid.UUID(int=1000 + n),
        kind=kind.value,
        data=FACTS,
        recipient_id=uuid.UUID(int=2000 + n),
        email=f"person{n}@example.cz",
        locale=locale,
        display_name="Eva <3",
    )


@pytest.mark.parametrize("locale", ["cs", "en"])
@pytest.mark.parametrize("kind", EMAIL_KINDS)
def test_every_kind_renders_alone_and_as_a_batch(
    settings: NotificationsSettings, kind: Kind, locale: str
) -> None:
    transactional = KINDS[kind].transactional
    one = build_message(settings, [delivery(kind, locale)], EXTRA.get(kind))
    batch = build_message(settings, [delivery(kind, locale, n) for n in range(3)], EXTRA.get(kind))

    assert one.subject
    assert one.text
    assert one.html
    assert "Eva <3" in one.text
    assert "Eva &lt;3" in one.html
    assert one.recipient_variables is None
    assert "%recipient." not in one.text + one.html + one.subject
    assert batch.recipient_variables is not None
    assert batch.recipient_variables["person1@example.cz"]["name_html"] == "Eva &lt;3"
    assert "%recipient.name%" in batch.text
    assert "%recipient.name_html%" in batch.html
    if transactional:
        assert "List-Unsubscribe" not in one.headers
        assert "unsubscribe" not in one.html.lower()
    else:
        link = one.headers["List-Unsubscribe"].strip("<>")
        assert link.startswith("https://notify.pickey.test/unsubscribe?token=")
        assert link in one.text
        assert f'href="{link}"' in one.html
        assert batch.headers["List-Unsubscribe"] == "<%recipient.unsubscribe_url%>"
        assert (
            batch.recipient_variables["person2@example.cz"]["unsubscribe_url"]
            != (batch.recipient_variables["person1@example.cz"]["unsubscribe_url"])
        )


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        (5900, "CZK", "cs", "59\u00a0Kč"),
        (123456, "CZK", "cs", "1\u00a0234,56\u00a0Kč"),
        (5900, "CZK", "en", "CZK\u00a059"),
        (150, "EUR", "en", "EUR\u00a01.50"),
        (150, "EUR", "cs", "1,50\u00a0€"),
    ],
)
def test_money_reads_as_each_language_writes_it(
    amount: int, currency: str, locale: str, shown: str
) -> None:
    assert format_money(amount, currency, locale) == shown


def test_dates_are_shown_in_prague_time() -> None:
    late_evening_utc = "2026-12-31T23:30:00+00:00"  # already 1 January in Prague

    assert format_date(late_evening_utc, "cs") == "1.\u00a01.\u00a02027"
    assert format_date(late_evening_utc, "en") == "1 January 2027"
