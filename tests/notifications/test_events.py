"""Every other event of the table: going live, payments (fan and creator), membership notices,
comments and replies, media failures — the right people, channels, texts and preferences."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from pickey_core.media_failures import from_mux
from pickey_core.models import (
    Channel,
    Comment,
    DeliveryState,
    EmailSuppression,
    MediaKind,
    MediaStatus,
    Membership,
    MembershipStatus,
    PaymentKind,
    PaymentState,
    PostAccess,
    PostKind,
    Refund,
    RefundState,
    SuppressionReason,
)
from pickey_core.providers.pusher import creator_channel, user_channel
from pickey_core.queue.contracts import (
    AnnounceComment,
    AnnounceLive,
    AnnounceMediaFailed,
    AnnouncePayment,
    AnnounceRefund,
    MembershipNotice,
)
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, of, one, prefer, states
from tests.support import factories
from tests.support.notification_events import SENT_EVERYWHERE, paid
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.workers import drain


async def test_going_live_reaches_entitled_members_once_per_broadcast(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session, display_name="Gordíkey")
        low = await factories.tier(session, creator, 5900)
        high = await factories.tier(session, creator, 9900)
        watcher = await factories.user(session, email="watcher@example.cz", locale="en")
        kibble = await factories.user(session, email="kibble@example.cz")
        follower = await factories.user(session, email="follower@example.cz")
        await factories.membership(session, watcher, high)
        await factories.membership(session, kibble, low)
        await factories.follow(session, follower, creator)
        live = await factories.post(
            session, creator, access=PostAccess.MEMBERS, tiers=[high], title="Evening walk"
        )
    await enqueue(
        resources,
        AnnounceLive(post_id=live.id, broadcast_id="asset-1"),
        AnnounceLive(post_id=live.id, broadcast_id="asset-1"),  # the same broadcast again
    )
    await drain(worker)
    await enqueue(resources, AnnounceLive(post_id=live.id, broadcast_id="asset-2"))
    await drain(worker)

    rows = await ledger(resources)
    mine = of(rows, watcher.id)
    assert sorted(row.event_key for row in mine) == [
        f"live:{live.id}:asset-1",
        f"live:{live.id}:asset-2",
    ]
    assert all(row.kind == "creator_live" and states(row) == SENT_EVERYWHERE for row in mine)
    assert of(rows, kibble.id) == []  # a member, but not of a tier that opens the stream
    assert of(rows, follower.id) == []  # a live stream is for members
    emails = mailgun_sandbox.deliveries("watcher@example.cz")
    assert [email["subject"] for email in emails] == ["Gordíkey is live now"] * 2
    assert f"/posts/{live.id}" in emails[0]["text"]
    broadcasts = pusher_sandbox.events(channel=creator_channel(creator.id))
    assert [event["name"] for event in broadcasts] == ["live", "live"]
    assert len(pusher_sandbox.events(channel=user_channel(watcher.id))) == 2


@pytest.mark.parametrize(
    ("kind", "creator_kind", "creator_subject"),
    [
        (PaymentKind.MEMBERSHIP, "new_member", "Nový člen v úrovni Na steaky"),
        (PaymentKind.TIP, "tip", "Spropitné 99\u00a0Kč"),
        (PaymentKind.UNLOCK, "unlock", "Odemčený příspěvek: Bone map"),
        (PaymentKind.RENEWAL, None, None),
    ],
)
async def test_a_paid_payment_tells_the_fan_and_the_creator(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
    kind: PaymentKind,
    creator_kind: str | None,
    creator_subject: str | None,
) -> None:
    s = await paid(resources, kind)
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))  # at least once

    await drain(worker)

    rows = await ledger(resources)
    fan_row = one(rows, s["fan"].id)
    assert (fan_row.kind, fan_row.event_key) == (
        "payment_succeeded",
        f"payment_succeeded:{s['payment'].id}",
    )
    assert states(fan_row) == SENT_EVERYWHERE
    [receipt] = mailgun_sandbox.deliveries("fan@example.cz")
    assert receipt["subject"] == "Payment of CZK\u00a099 received"
    number = s["payment"].receipt_number
    assert f"Receipt {number}: " in receipt["text"]
    assert f"/payments/{s['payment'].id}/receipt" in receipt["text"]
    assert "List-Unsubscribe" not in receipt["headers"]  # money email: transactional
    assert len(pusher_sandbox.events(channel=user_channel(s["fan"].id))) == 1
    creator_rows = of(rows, s["owner"].id)
    if creator_kind is None:
        assert creator_rows == []
        assert mailgun_sandbox.deliveries("creator@example.cz") == []
        return
    [creator_row] = creator_rows
    assert (creator_row.kind, creator_row.data["fan_name"]) == (creator_kind, "Petr")
    [note] = mailgun_sandbox.deliveries("creator@example.cz")
    assert note["subject"] == creator_subject
    assert note["headers"]["List-Unsubscribe"].startswith(
        "<https://notify.pickey.test/unsubscribe?"
    )
    assert len(pusher_sandbox.events(channel=user_channel(s["owner"].id))) == 1


async def test_a_succeeded_refund_tells_the_fan_once(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    s = await paid(resources, PaymentKind.MEMBERSHIP)
    async with resources.unit_of_work() as session:
        done = Refund(
            payment_id=s["payment"].id, creator_id=s["payment"].creator_id, amount=4000,
            currency="CZK",
            state=RefundState.SUCCEEDED, message_id=uuid.uuid4().hex, reason="Sorry",
            ends_access=True,
        )  # fmt: skip
        open_one = Refund(
            payment_id=s["payment"].id, creator_id=s["payment"].creator_id, amount=100,
            currency="CZK",
            state=RefundState.PENDING, message_id=uuid.uuid4().hex,
        )  # fmt: skip
        session.add_all([done, open_one])
    await enqueue(resources, AnnounceRefund(refund_id=done.id))
    await enqueue(resources, AnnounceRefund(refund_id=done.id))  # at least once
    await enqueue(resources, AnnounceRefund(refund_id=open_one.id))  # not succeeded: nothing

    await drain(worker)

    rows = await ledger(resources)
    row = one(rows, s["fan"].id)
    assert len(rows) == 1
    assert (row.kind, row.event_key) == ("refund_succeeded", f"refund_succeeded:{done.id}")
    assert states(row) == SENT_EVERYWHERE
    [email] = mailgun_sandbox.deliveries("fan@example.cz")
    assert email["subject"] == "Refund of CZK\u00a040"
    assert "Reason: Sorry" in email["text"]
    assert "The access this payment bought ends with it." in email["text"]
    assert len(pusher_sandbox.events(channel=user_channel(s["fan"].id))) == 1


async def test_money_email_ignores_preferences_and_suppression_but_the_creators_does_not(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await paid(resources, PaymentKind.TIP)
    await prefer(resources, s["fan"].id, "money", Channel.EMAIL, False)  # locked: ignored
    await prefer(resources, s["fan"].id, "money", Channel.IN_APP, False)  # honoured
    await prefer(resources, s["owner"].id, "tip", Channel.EMAIL, False)
    async with resources.unit_of_work() as session:
        session.add(EmailSuppression(address="fan@example.cz", reason=SuppressionReason.COMPLAINED))
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))

    await drain(worker)

    rows = await ledger(resources)
    fan_row = one(rows, s["fan"].id)
    assert fan_row.in_app is False
    assert states(fan_row)[Channel.EMAIL] is DeliveryState.SENT
    assert states(one(rows, s["owner"].id))[Channel.EMAIL] is DeliveryState.SUPPRESSED
    assert len(mailgun_sandbox.deliveries("fan@example.cz")) == 1
    assert mailgun_sandbox.deliveries("creator@example.cz") == []


async def test_an_unpaid_payment_announces_nothing(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await paid(resources, PaymentKind.TIP, state=PaymentState.FAILED)
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))

    await drain(worker)

    assert await ledger(resources) == []


@pytest.mark.parametrize(
    ("notice", "fields", "subject", "phrase"),
    [
        (
            "renewal_upcoming",
            {"period_end": "2026-12-24T09:00:00+00:00"},
            "Your membership of Gordíkey renews soon",
            "On 24 December 2026 we will charge your card CZK\u00a099",
        ),
        (
            "renewal_failed",
            {"retry_at": "2026-12-27T09:00:00+00:00", "with_payment": True},
            "Your payment to Gordíkey failed",
            "We will try again on 27 December 2026.",
        ),
        (
            "renewal_failed",
            {"with_payment": True},
            "Your payment to Gordíkey failed",
            "There will be no more tries",
        ),
        (
            "pay_by_hand",
            {},
            "Please pay your membership of Gordíkey again",
            "please pay again",
        ),
        (
            "membership_lapsed",
            {},
            "Your membership of Gordíkey has ended",
            "Your “Na steaky” membership of Gordíkey has ended.",
        ),
    ],
)
async def test_membership_notices_reach_the_fan_once_per_event_key(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    notice: str,
    fields: dict[str, Any],
    subject: str,
    phrase: str,
) -> None:
    s = await paid(resources, PaymentKind.RENEWAL)
    payment_id = s["payment"].id if fields.pop("with_payment", False) else None
    key = f"{notice}:{s['membership'].id}:1"
    payload = MembershipNotice.model_validate(
        {
            "membership_id": s["membership"].id,
            "notice": notice,
            "event_key": key,
            "payment_id": payment_id,
            **fields,
        }
    )
    await enqueue(resources, payload, payload)

    await drain(worker)

    rows = await ledger(resources)
    row = one(rows, s["fan"].id)
    assert (row.kind, row.event_key, states(row)) == (notice, key, SENT_EVERYWHERE)
    [email] = mailgun_sandbox.deliveries("fan@example.cz")
    assert email["subject"] == subject
    assert phrase in email["text"]
    assert of(rows, s["owner"].id) == []


async def test_a_lapsed_notice_of_a_lapsed_membership_is_still_sent(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await paid(resources, PaymentKind.RENEWAL)
    async with resources.unit_of_work() as session:
        membership = await session.get(Membership, s["membership"].id)
        assert membership is not None
        membership.status = MembershipStatus.LAPSED
    await enqueue(
        resources,
        MembershipNotice(
            membership_id=s["membership"].id, notice="membership_lapsed", event_key="lapsed:1"
        ),
    )

    await drain(worker)

    assert len(mailgun_sandbox.deliveries("fan@example.cz")) == 1


async def comment_scene(resources: Resources) -> dict[str, Any]:
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="creator@example.cz", display_name="Gordík")
        creator = await factories.creator(session, owner)
        tier = await factories.tier(session, creator)
        post = await factories.post(
            session, creator, access=PostAccess.MEMBERS, tiers=[tier], title="Steak night"
        )
        member = await factories.user(session, email="member@example.cz", display_name="Jana")
        lapsed = await factories.user(session, email="lapsed@example.cz", display_name="Olga")
        await factories.membership(session, member, tier)
        await factories.membership(session, lapsed, tier, MembershipStatus.LAPSED)
    for user in (owner, member, lapsed):
        await prefer(resources, user.id, "comments", Channel.EMAIL, True)
    return {"owner": owner, "post": post, "member": member, "lapsed": lapsed}


async def comment(
    resources: Resources, post_id: uuid.UUID, author_id: uuid.UUID, body: str, parent: Any = None
) -> Comment:
    async with resources.unit_of_work() as session:
        row = Comment(
            post_id=post_id,
            author_id=author_id,
            parent_id=parent.id if parent is not None else None,
            body=body,
        )
        session.add(row)
        await session.flush()
        return row


async def test_comments_and_replies_reach_the_creator_and_the_parents_author(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await comment_scene(resources)
    top = await comment(resources, s["post"].id, s["lapsed"].id, "Loved it before I left.")
    reply = await comment(resources, s["post"].id, s["member"].id, "Members-only wisdom.", top)
    own = await comment(resources, s["post"].id, s["owner"].id, "Thanks, Jana!", top)
    await enqueue(
        resources,
        AnnounceComment(comment_id=top.id),
        AnnounceComment(comment_id=reply.id),
        AnnounceComment(comment_id=reply.id),
        AnnounceComment(comment_id=own.id),
    )

    await drain(worker)

    rows = await ledger(resources)
    by_event = {(row.event_key, row.recipient_id): row for row in rows}
    assert set(by_event) == {
        (f"comment:{top.id}", s["owner"].id),  # a new comment on the creator's post
        (f"comment:{reply.id}", s["owner"].id),
        (f"comment:{reply.id}", s["lapsed"].id),  # a reply to their comment
        (f"comment:{own.id}", s["lapsed"].id),  # the creator's reply: not to themselves
    }
    assert by_event[(f"comment:{top.id}", s["owner"].id)].kind == "new_comment"
    to_lapsed = by_event[(f"comment:{reply.id}", s["lapsed"].id)]
    assert to_lapsed.kind == "comment_reply"
    # No longer a member: told about the reply, not shown the member-only words.
    assert to_lapsed.data["excerpt"] is None
    assert "wisdom" not in " ".join(
        d["text"] for d in mailgun_sandbox.deliveries("lapsed@example.cz")
    )
    assert by_event[(f"comment:{reply.id}", s["owner"].id)].data["excerpt"] == (
        "Members-only wisdom."
    )
    assert len(mailgun_sandbox.deliveries("creator@example.cz")) == 2


async def test_comment_email_is_off_by_default(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="quiet@example.cz")
        creator = await factories.creator(session, owner)
        fan = await factories.user(session)
        post = await factories.post(session, creator)
    note = await comment(resources, post.id, fan.id, "Hi!")
    await enqueue(resources, AnnounceComment(comment_id=note.id))

    await drain(worker)

    row = one(await ledger(resources), owner.id)
    assert row.in_app is True
    assert states(row) == {
        Channel.EMAIL: DeliveryState.SUPPRESSED,
        Channel.REALTIME: DeliveryState.SENT,
    }
    assert mailgun_sandbox.messages() == []


async def test_a_failed_upload_tells_its_creator_with_the_reason(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="creator@example.cz", locale="en")
        creator = await factories.creator(session, owner)
        post = await factories.post(session, creator, title="Holiday photos")
        failed = await factories.media_asset(
            session,
            owner,
            status=MediaStatus.FAILED,
            post_id=post.id,
            failure_reason="cannot identify image file <_io.BytesIO object>",
            failure_code="unreadable_file",
        )
        ready = await factories.media_asset(session, owner, kind=MediaKind.IMAGE)
    await enqueue(
        resources,
        AnnounceMediaFailed(asset_id=failed.id),
        AnnounceMediaFailed(asset_id=failed.id),
        AnnounceMediaFailed(asset_id=ready.id),  # no longer failed: nothing
    )

    await drain(worker)

    row = one(await ledger(resources), owner.id)
    assert (row.kind, row.event_key, states(row)) == (
        "media_failed",
        f"media_failed:{failed.id}",
        SENT_EVERYWHERE,
    )
    [email] = mailgun_sandbox.deliveries("creator@example.cz")
    assert email["subject"] == "We could not process your photo"
    assert "The file is damaged or incomplete and cannot be read." in email["text"]
    assert "BytesIO" not in email["text"]  # the raw message stays on the asset, for support
    [event] = pusher_sandbox.events(channel=user_channel(owner.id))
    data = json.loads(event["data"])["data"]
    assert data["reason_code"] == "unreadable_file"
    assert data["reason_text"]["cs"] == "Soubor je poškozený nebo neúplný a nedá se přečíst."
    assert "reason" not in data


async def test_a_czech_creator_reads_why_the_video_failed_in_czech_once(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    """The issue's email: "Důvod: Mux could not process the video: The file could not be
    decoded.." — now our own Czech reason, no English, no doubled full stop."""
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="creator@example.cz", locale="cs")
        creator = await factories.creator(session, owner)
        post = await factories.post(session, creator, kind=PostKind.VIDEO, title="Procházka")
        failed = await factories.media_asset(
            session,
            owner,
            kind=MediaKind.VIDEO,
            status=MediaStatus.FAILED,
            post_id=post.id,
            failure_reason="Mux: asset errored (invalid_input): The file could not be decoded.",
            failure_code=from_mux("invalid_input", ["The file could not be decoded."]).value,
        )
    await enqueue(resources, AnnounceMediaFailed(asset_id=failed.id))

    await drain(worker)

    [email] = mailgun_sandbox.deliveries("creator@example.cz")
    assert email["subject"] == "Video se nepodařilo zpracovat"
    assert (
        "Video u příspěvku „Procházka“ se nepodařilo zpracovat. "
        "Soubor je poškozený nebo neúplný a nedá se přečíst.\n"
    ) in email["text"]
    for english in ("Mux", "decoded", "Reason", ".."):
        assert english not in email["text"]
        assert english not in email["html"]
