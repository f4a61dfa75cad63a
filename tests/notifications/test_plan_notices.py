"""The notices of issue 16's billing choices: an upgrade charged (the payment notice, e-mail in
cs/en and in-app) and a free trial ending."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from pickey_core.models import Membership, Payment, PaymentKind, User
from pickey_core.queue.contracts import AnnouncePayment, MembershipNotice
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, of, one, states
from tests.support.notification_events import SENT_EVERYWHERE, paid
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


async def speaking(resources: Resources, user: User, locale: str) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(update(User).where(User.id == user.id).values(locale=locale))


@pytest.mark.parametrize(
    ("locale", "subject", "phrase"),
    [
        (
            "en",
            "Payment of CZK\u00a050 received",
            "You are now a “Na steaky” member of Gordíkey; we charged the difference for the "
            "rest of the period",
        ),
        (
            "cs",
            "Platba 50\u00a0Kč proběhla",
            "Přešli jste na členství „Na steaky“ u Gordíkey; strhli jsme doplatek do konce období",
        ),
    ],
)
async def test_an_upgrade_charged_tells_the_fan_only(
    resources: Resources,
    worker: dict[str, Any],
    mailgun_sandbox: MailgunSandbox,
    locale: str,
    subject: str,
    phrase: str,
) -> None:
    s = await paid(resources, PaymentKind.UPGRADE, amount=5000)
    await speaking(resources, s["fan"], locale)
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == s["payment"].id)
            .values(membership_id=s["membership"].id, tier_id=s["membership"].tier_id)
        )
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))

    await drain(worker)

    rows = await ledger(resources)
    fan_row = one(rows, s["fan"].id)
    assert (fan_row.kind, fan_row.data["payment_kind"]) == ("payment_succeeded", "upgrade")
    assert states(fan_row) == SENT_EVERYWHERE  # e-mail, in-app and realtime
    [email] = mailgun_sandbox.deliveries("fan@example.cz")
    assert email["subject"] == subject
    assert phrase in email["text"]
    assert phrase.split(";")[0] in email["html"]
    assert of(rows, s["owner"].id) == []  # the creator hears nothing new


@pytest.mark.parametrize(
    ("locale", "subject", "phrase"),
    [
        (
            "en",
            "Your free trial of Gordíkey ends soon",
            "ends on 24 December 2026. We will not charge you anything: to stay, pay for the "
            "membership (CZK\u00a099 a month)",
        ),
        (
            "cs",
            "Zkušební členství u Gordíkey brzy končí",
            "Nic vám nestrhneme: chcete-li zůstat, zaplaťte členství (99\u00a0Kč měsíčně)",
        ),
    ],
)
async def test_a_trial_ending_tells_the_fan_once(
    resources: Resources,
    worker: dict[str, Any],
    mailgun_sandbox: MailgunSandbox,
    locale: str,
    subject: str,
    phrase: str,
) -> None:
    s = await paid(resources, PaymentKind.RENEWAL)
    await speaking(resources, s["fan"], locale)
    end = datetime(2026, 12, 24, 9, tzinfo=UTC)
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == s["membership"].id)
            .values(trial=True, current_period_end=end)
        )
    key = f"trial_ending:{s['membership'].id}:{end.isoformat()}"
    notice = MembershipNotice(
        membership_id=s["membership"].id, notice="trial_ending", event_key=key, period_end=end
    )
    await enqueue(resources, notice, notice)

    await drain(worker)

    rows = await ledger(resources)
    row = one(rows, s["fan"].id)
    assert (row.kind, row.event_key, states(row)) == ("trial_ending", key, SENT_EVERYWHERE)
    [email] = mailgun_sandbox.deliveries("fan@example.cz")
    assert email["subject"] == subject
    assert phrase in email["text"]
    assert "/c/" in email["text"]
