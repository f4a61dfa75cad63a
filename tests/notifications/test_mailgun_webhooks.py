"""``POST /webhooks/mailgun``: signed webhooks from the sandbox are stored once and applied
(bounces and complaints suppress the address for non-transactional email, unsubscribes turn
email off); forged, replayed, stale and malformed ones are refused with our error body and
counted."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from pickey_core.models import (
    Channel,
    DeliveryState,
    EmailSuppression,
    InboxEvent,
    NotificationPreference,
    Payment,
    PaymentKind,
    PaymentState,
    SuppressionReason,
)
from pickey_core.queue.contracts import AnnounceNewPost, AnnouncePayment
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, states
from tests.support import factories
from tests.support.db import all_rows
from tests.support.mailgun_webhooks import BOUNCE, MEMBER, signed
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


def failures() -> float:
    value = REGISTRY.get_sample_value(
        "pickey_webhook_signature_failures_total", {"provider": "mailgun"}
    )
    return value or 0.0


async def emailed_member(resources: Resources, worker: WorkerOptions) -> dict[str, Any]:
    """A creator with one member who got a new-post email."""
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        member = await factories.user(session, email=MEMBER)
        await factories.membership(session, member, tier)
        post = await factories.post(session, creator)
    await enqueue(resources, AnnounceNewPost(post_id=post.id))
    await drain(worker)
    return {"creator": creator, "member": member, "tier": tier}


async def test_a_bounce_sent_by_the_sandbox_suppresses_the_address(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    app_url: str,
) -> None:
    s = await emailed_member(resources, worker)
    [message] = mailgun_sandbox.messages(to=MEMBER)
    mailgun_sandbox.register_webhook("permanent_fail", f"{app_url}/webhooks/mailgun")

    sent = await asyncio.to_thread(mailgun_sandbox.send_event, message["id"], MEMBER, "failed")
    await drain(worker)

    assert [attempt["status_code"] for attempt in sent["attempts"]] == [200]
    [suppression] = await all_rows(resources, EmailSuppression)
    assert (suppression.address, suppression.reason) == (MEMBER, SuppressionReason.BOUNCED)
    [event] = await all_rows(resources, InboxEvent)
    assert event.processed_at is not None
    assert event.external_id == sent["attempts"][0]["payload"]["signature"]["token"]

    # The next announcement does not email the address; a money email still goes.
    async with resources.unit_of_work() as session:
        post = await factories.post(session, s["creator"])
        payment = Payment(
            kind=PaymentKind.TIP,
            state=PaymentState.PAID,
            fan_id=s["member"].id,
            creator_id=s["creator"].id,
            amount=5000,
            currency="CZK",
        )
        session.add(payment)
        await session.flush()
    await enqueue(
        resources, AnnounceNewPost(post_id=post.id), AnnouncePayment(payment_id=payment.id)
    )
    await drain(worker)
    rows = [row for row in await ledger(resources) if row.recipient_id == s["member"].id]
    [receipt] = [row for row in rows if row.kind == "payment_succeeded"]
    assert states(receipt)[Channel.EMAIL] is DeliveryState.SENT
    [second_post] = [row for row in rows if row.event_key == f"post:{post.id}"]
    assert states(second_post)[Channel.EMAIL] is DeliveryState.SUPPRESSED


async def test_a_complaint_suppresses_and_an_unsubscribe_turns_the_category_off(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    app_url: str,
) -> None:
    s = await emailed_member(resources, worker)
    [message] = mailgun_sandbox.messages(to=MEMBER)
    variables = dict(message["variables"])
    # Each call names itself, so a call whose answer was lost can be asked about.
    assert variables.pop("delivery-batch").startswith("call:")
    assert variables == {"kind": "new_post", "category": "new_post"}
    for hook in ("complained", "unsubscribed"):
        mailgun_sandbox.register_webhook(hook, f"{app_url}/webhooks/mailgun")

    for event in ("complained", "unsubscribed"):
        sent = await asyncio.to_thread(mailgun_sandbox.send_event, message["id"], MEMBER, event)
        assert sent["attempts"][0]["status_code"] == 200
    await drain(worker)

    [suppression] = await all_rows(resources, EmailSuppression)
    assert suppression.reason is SuppressionReason.COMPLAINED
    [choice] = await all_rows(resources, NotificationPreference)
    assert (choice.user_id, choice.category, choice.channel, choice.enabled) == (
        s["member"].id,
        "new_post",
        Channel.EMAIL,
        False,
    )


async def test_a_replayed_webhook_is_refused_and_applied_once(
    resources: Resources, app_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    body = signed(BOUNCE)
    before = failures()

    first = await app_client.post("/webhooks/mailgun", json=body)
    again = await app_client.post("/webhooks/mailgun", json=body)
    changed = dict(body, **{"event-data": {**BOUNCE, "recipient": "victim@example.cz"}})
    tampered = await app_client.post("/webhooks/mailgun", json=changed)
    await drain(worker)

    assert (first.status_code, first.json()) == (200, {"status": "accepted"})
    for refused in (again, tampered):
        assert refused.status_code == 406
        assert refused.json()["error"]["code"] == "webhook_replayed"
    assert failures() == before + 2
    assert len(await all_rows(resources, InboxEvent)) == 1
    [suppression] = await all_rows(resources, EmailSuppression)
    assert suppression.address == MEMBER


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (signed(BOUNCE, key="not-the-signing-key"), "webhook_signature_invalid"),
        (
            {**signed(BOUNCE), "signature": {"timestamp": "1", "token": "x"}},
            "webhook_signature_invalid",
        ),
        ({"event-data": BOUNCE}, "webhook_signature_invalid"),
    ],
)
async def test_forged_or_unsigned_webhooks_are_refused(
    resources: Resources, app_client: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    before = failures()

    response = await app_client.post("/webhooks/mailgun", json=body)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert failures() == before + 1
    assert await all_rows(resources, InboxEvent) == []


@pytest.mark.parametrize("age", [-3600, 3600])
async def test_stale_webhooks_are_refused(
    resources: Resources, app_client: httpx.AsyncClient, age: int
) -> None:
    before = failures()

    response = await app_client.post(
        "/webhooks/mailgun", json=signed(BOUNCE, timestamp=int(time.time()) - age)
    )

    assert response.status_code == 406
    assert response.json()["error"]["code"] == "webhook_stale"
    assert failures() == before + 1
    assert await all_rows(resources, InboxEvent) == []


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "invalid_webhook"),
        (b"[1, 2]", "application/json", 400, "invalid_webhook"),
        (b"signature=x", "application/x-www-form-urlencoded", 415, "json_required"),
    ],
)
async def test_malformed_bodies_get_a_clear_error(
    resources: Resources,
    app_client: httpx.AsyncClient,
    content: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    response = await app_client.post(
        "/webhooks/mailgun", content=content, headers={"Content-Type": content_type}
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_a_signed_body_without_an_event_is_a_bad_request(
    resources: Resources, app_client: httpx.AsyncClient
) -> None:
    body = signed(BOUNCE)
    del body["event-data"]

    response = await app_client.post("/webhooks/mailgun", json=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    async with resources.sessions() as session:
        assert (await session.scalars(select(InboxEvent))).all() == []
