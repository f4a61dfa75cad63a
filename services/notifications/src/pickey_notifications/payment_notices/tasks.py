"""Jobs: tell the fan (and the creator) about a paid payment; tell a fan about their membership;
tell a fan their money came back (a refund).

Rows are read from ``payments``, ``memberships``, ``tiers``, ``creators``, ``posts`` and
``users`` (owned by `payments` and `api`; read here). The fan's money emails are transactional
(the catalogue locks them on) and go even to a suppressed address; the creator's new member,
tip and unlock emails follow the creator's preferences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    Membership,
    Payment,
    PaymentKind,
    PaymentState,
    Post,
    Refund,
    RefundState,
    Tier,
    User,
)
from pickey_core.queue.contracts import AnnouncePayment, AnnounceRefund, MembershipNotice
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.payment_notices import repository
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)

# What the creator hears about a paid payment of each kind (a renewal: nothing).
CREATOR_KINDS = {
    PaymentKind.MEMBERSHIP: Kind.NEW_MEMBER,
    PaymentKind.TIP: Kind.TIP,
    PaymentKind.UNLOCK: Kind.UNLOCK,
}


def _active(user: User | None) -> bool:
    return user is not None and user.deleted_at is None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def announce_payment(ctx: NotificationsJobContext, payload: AnnouncePayment) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        payment = await session.get(Payment, payload.payment_id)
        if payment is None or payment.state is not PaymentState.PAID:
            logger.info("payment announcement skipped: not a paid payment")
            return []
        # Share-locked: an account deletion waits until this notice is written, then blanks
        # the fan's name in it (or it finished first, and we read the anonymised row).
        fan = await session.get(User, payment.fan_id, with_for_update={"read": True})
        creator = await session.get(Creator, payment.creator_id)
        assert creator is not None
        owner = await session.get(User, creator.user_id)
        tier = await session.get(Tier, payment.tier_id) if payment.tier_id else None
        post = await session.get(Post, payment.post_id) if payment.post_id else None
        membership = (
            await session.get(Membership, payment.membership_id) if payment.membership_id else None
        )
        # A membership paid by hand after its renewal needed the fan (PRCODE 33/34/85/86) is a
        # renewal: the fan hears "renewed", the creator nothing new (as for any renewal).
        kind = (
            PaymentKind.RENEWAL
            if payment.kind is PaymentKind.MEMBERSHIP and await repository.renews(session, payment)
            else payment.kind
        )
        facts: dict[str, Any] = {
            "payment_id": str(payment.id),
            "payment_kind": kind.value,
            "amount": payment.amount,
            "currency": payment.currency,
            "creator_id": str(creator.id),
            "creator_name": creator.display_name,
            "creator_slug": creator.slug,
            "tier_name": tier.name if tier else None,
            "post_id": str(post.id) if post else None,
            "post_title": post.title if post else None,
            "receipt_number": payment.receipt_number,
        }
        outgoing = []
        if fan is not None and _active(fan):
            period_end = membership.current_period_end if membership else None
            outgoing.append(
                Outgoing(
                    fan.id,
                    fan.email,
                    Kind.PAYMENT_SUCCEEDED,
                    {**facts, "period_end": _iso(period_end)},
                )
            )
        creator_kind = CREATOR_KINDS.get(kind)
        if creator_kind and owner is not None and _active(owner) and owner.id != payment.fan_id:
            fan_name = fan.display_name if fan is not None and _active(fan) else None
            outgoing.append(
                Outgoing(owner.id, owner.email, creator_kind, {**facts, "fan_name": fan_name})
            )
        return outgoing

    await notify(ctx, f"payment_succeeded:{payload.payment_id}", recipients)


async def membership_notice(ctx: NotificationsJobContext, payload: MembershipNotice) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        membership = await session.get(Membership, payload.membership_id)
        if membership is None:
            logger.info("membership notice skipped: no such membership")
            return []
        fan = await session.get(User, membership.fan_id)
        if fan is None or not _active(fan):
            return []
        creator = await session.get(Creator, membership.creator_id)
        assert creator is not None
        # What the next charge costs: the tier it renews to (a change takes effect then).
        tier = await session.get(Tier, membership.next_tier_id or membership.tier_id)
        assert tier is not None
        interval = membership.billing_interval
        payment = await session.get(Payment, payload.payment_id) if payload.payment_id else None
        data = {
            "membership_id": str(membership.id),
            "creator_id": str(creator.id),
            "creator_name": creator.display_name,
            "creator_slug": creator.slug,
            "tier_name": tier.name,
            "amount": payment.amount if payment else tier.price_for(interval) or tier.price_amount,
            "billing_interval": interval.value,
            "currency": payment.currency if payment else tier.currency,
            "period_end": _iso(payload.period_end or membership.current_period_end),
            "retry_at": _iso(payload.retry_at),
        }
        return [Outgoing(fan.id, fan.email, Kind(payload.notice), data)]

    await notify(ctx, payload.event_key, recipients)


async def announce_refund(ctx: NotificationsJobContext, payload: AnnounceRefund) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        refund = await session.get(Refund, payload.refund_id)
        if refund is None or refund.state is not RefundState.SUCCEEDED:
            logger.info("refund announcement skipped: not a succeeded refund")
            return []
        payment = await session.get(Payment, refund.payment_id)
        assert payment is not None
        fan = await session.get(User, payment.fan_id)
        if fan is None or not _active(fan):
            return []
        creator = await session.get(Creator, payment.creator_id)
        assert creator is not None
        tier = await session.get(Tier, payment.tier_id) if payment.tier_id else None
        post = await session.get(Post, payment.post_id) if payment.post_id else None
        data = {
            "refund_id": str(refund.id),
            "payment_id": str(payment.id),
            "payment_kind": payment.kind.value,
            "amount": refund.amount,
            "currency": refund.currency,
            "paid_amount": payment.amount,
            "paid_at": _iso(payment.paid_at),
            "creator_id": str(creator.id),
            "creator_name": creator.display_name,
            "creator_slug": creator.slug,
            "tier_name": tier.name if tier else None,
            "post_title": post.title if post else None,
            "reason": refund.reason,
            "automatic": refund.automatic,
            "access_ended": refund.ends_access,
        }
        return [Outgoing(fan.id, fan.email, Kind.REFUND_SUCCEEDED, data)]

    await notify(ctx, f"refund_succeeded:{payload.refund_id}", recipients)
