"""Jobs: e-mail a paid gift's code to the address the buyer gave; tell a creator that a
discount code expires soon.

Rows are read from ``gifts``, ``discount_codes``, ``payments``, ``tiers``, ``creators`` and
``users`` (owned by `payments` and `api`). The gift's recipient may have no account: the
notification is kept under the buyer's account (who caused it; it is e-mail only, never listed
in-app) and ``data.deliver_to`` names the address the e-mail goes to, in the buyer's language
(the buyer chose whom to write to); the e-mail's ``name`` is the buyer's, as the row's. It is a
money e-mail (transactional: the code is what was paid for), so preferences and suppressions of
the buyer do not stop it.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    DiscountCode,
    Gift,
    Payment,
    PaymentState,
    Tier,
    User,
)
from pickey_core.queue.contracts import AnnounceGift, DiscountExpiring
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import NotificationsJobContext

logger = structlog.get_logger(__name__)


def _active(user: User | None) -> bool:
    return user is not None and user.deleted_at is None


async def announce_gift(ctx: NotificationsJobContext, payload: AnnounceGift) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        gift = await session.get(Gift, payload.gift_id)
        payment = await session.get(Payment, gift.payment_id) if gift else None
        if gift is None or payment is None or payment.state is not PaymentState.PAID:
            logger.info("gift announcement skipped: not a paid gift")
            return []
        buyer = await session.get(User, gift.purchaser_id)
        if buyer is None or not _active(buyer) or not gift.recipient_email:
            return []
        creator = await session.get(Creator, gift.creator_id)
        tier = await session.get(Tier, gift.tier_id)
        assert creator is not None
        assert tier is not None
        data = {
            "gift_id": str(gift.id),
            "deliver_to": gift.recipient_email,
            "code": gift.code,
            "months": gift.months,
            "buyer_name": buyer.display_name,
            "creator_id": str(creator.id),
            "creator_name": creator.display_name,
            "creator_slug": creator.slug,
            "tier_name": tier.name,
        }
        return [Outgoing(buyer.id, gift.recipient_email, Kind.GIFT_RECEIVED, data)]

    await notify(ctx, f"gift_received:{payload.gift_id}", recipients)


async def discount_expiring(ctx: NotificationsJobContext, payload: DiscountExpiring) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        code = await session.get(DiscountCode, payload.discount_code_id)
        if code is None or code.disabled_at is not None or code.expires_at is None:
            return []
        creator = await session.get(Creator, code.creator_id)
        owner = await session.get(User, creator.user_id) if creator else None
        if creator is None or owner is None or not _active(owner):
            return []
        data = {
            "discount_code_id": str(code.id),
            "code": code.code,
            "expires_at": code.expires_at.isoformat(),
            "redemptions_count": code.redemptions_count,
            "max_redemptions": code.max_redemptions,
            "creator_id": str(creator.id),
        }
        return [Outgoing(owner.id, owner.email, Kind.DISCOUNT_EXPIRING, data)]

    await notify(ctx, f"discount_expiring:{payload.discount_code_id}", recipients)
