"""Reading a fan's own payment; another fan's payment is answered exactly like a missing one."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import NotFound
from pickey_core.models import Payment, User
from pickey_payments.payments import repository


class PaymentNotFound(NotFound):
    code = "payment_not_found"


async def get_own(session: AsyncSession, fan: User, payment_id: uuid.UUID) -> Payment:
    payment = await repository.own(session, fan.id, payment_id)
    if payment is None:
        raise PaymentNotFound("No such payment among yours.")
    return payment
