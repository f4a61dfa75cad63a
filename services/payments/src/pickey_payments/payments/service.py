"""Reading a fan's own payments; another fan's payment is answered exactly like a missing one.

The list is every payment the fan started (settled or not, superseded checkouts included, so
the fan can see why one was cancelled), newest first, keyset-paged; a page costs one indexed
query for the payments (``ix_payments_fan_created_id``), primary-key lookups of the page's
creators, tiers and posts, and one query for their refunds (``ix_refunds_payment``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Payment, RefundState, User
from pickey_core.pagination import Page, decode_cursor, page_of
from pickey_payments.errors import PaymentNotFound
from pickey_payments.payments import repository
from pickey_payments.payments.schemas import PaymentListItem, PaymentRead
from pickey_payments.refunds import repository as refunds
from pickey_payments.refunds.schemas import RefundRead


async def get_own(session: AsyncSession, fan: User, payment_id: uuid.UUID) -> Payment:
    payment = await repository.own(session, fan.id, payment_id)
    if payment is None:
        raise PaymentNotFound("No such payment among yours.")
    return payment


async def list_own(
    session: AsyncSession, fan: User, cursor: str | None, limit: int
) -> Page[PaymentListItem]:
    before = None
    if cursor is not None:
        created_at, payment_id = decode_cursor(cursor, datetime, uuid.UUID)
        before = (created_at, payment_id)
    rows = await repository.page_of_fan(session, fan.id, before, limit + 1)
    shown = list(rows[:limit])
    names = await repository.names_of(session, rows)
    by_payment: dict[uuid.UUID, list[RefundRead]] = {}
    refunded: dict[uuid.UUID, int] = {}
    for refund in await refunds.of_payments(session, [p.id for p in shown]):
        by_payment.setdefault(refund.payment_id, []).append(RefundRead.from_refund(refund))
        if refund.state is RefundState.SUCCEEDED:
            refunded[refund.payment_id] = refunded.get(refund.payment_id, 0) + refund.amount
    items = [
        PaymentListItem(
            **PaymentRead.from_payment(payment).model_dump(),
            creator_name=names.creators[payment.creator_id][0],
            creator_slug=names.creators[payment.creator_id][1],
            tier_name=names.tiers.get(payment.tier_id) if payment.tier_id else None,
            post_title=names.posts.get(payment.post_id) if payment.post_id else None,
            receipt_number=payment.receipt_number,
            refunds=by_payment.get(payment.id, []),
            refunded=refunded.get(payment.id, 0),
        )
        for payment in rows
    ]
    return page_of(items, limit, lambda item: (item.created_at, item.id))
