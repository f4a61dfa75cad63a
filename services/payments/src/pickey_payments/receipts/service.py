"""Receipts. Flushes, never commits.

Every paid payment gets a receipt number from the shared gap-free ``R`` series
(:func:`pickey_core.document_numbers.next_document_number`) in the transaction that settles it
(:func:`issue`, called by settlement); a payment paid before receipts existed gets its number
the first time its receipt is shown. The receipt is a Czech simplified tax document (§29 of the
VAT Act: number, seller with IČO/DIČ, date of issue, date of the taxable supply, what was
supplied, the price with VAT, the VAT rate — and, beyond the minimum, the buyer and the VAT part).

Decisions: the seller is the platform (the deemed supplier of the electronically supplied
service; see the ledger's VAT position), named by the platform identity settings the payout
statements use too (``PICKEY_BILLING__MONEY__PAYOUT_DEBTOR_NAME``, ``..._PLATFORM_ADDRESS``,
``..._PLATFORM_COMPANY_ID``, ``..._PLATFORM_VAT_ID``); the date of the taxable supply is the
day the payment was paid; the VAT part is the one the ledger booked for the payment (computed
with the current rate only for a payment the ledger never booked); the rate printed is the
configured one.
A discounted payment shows the list price, the discount (with its code) and the price paid; the
VAT and its base are those of the price paid (§36 of the VAT Act: a discount given before the
supply lowers the tax base).
Refunds do not change the receipt (it documents the sale); they are listed on it, and the money
that came back is shown beside the total. Only the fan who paid may read it (others: 404).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.document_numbers import RECEIPT_SERIES, next_document_number
from pickey_core.errors import Conflict
from pickey_core.models import (
    BillingInterval,
    Creator,
    EntryType,
    Gift,
    Payment,
    PaymentKind,
    PaymentState,
    Post,
    RefundState,
    Tier,
    User,
)
from pickey_payments.billing_config import BillingConfig
from pickey_payments.billing_period import period_end
from pickey_payments.discounts import service as discounts
from pickey_payments.ledger import repository as ledger_repository
from pickey_payments.ledger.service import fee_terms_of, payment_key
from pickey_payments.ledger.split import split_payment
from pickey_payments.receipts.schemas import Party, Receipt, ReceiptRefund
from pickey_payments.refunds import repository as refunds

# Dates on a Czech tax document are Czech calendar days.
PRAGUE = ZoneInfo("Europe/Prague")


class ReceiptNotAvailable(Conflict):
    code = "receipt_not_available"


async def issue(session: AsyncSession, payment: Payment, now: datetime) -> None:
    """Number the receipt of a payment that just became paid (once)."""
    if payment.receipt_number is None:
        payment.receipt_number = await next_document_number(session, RECEIPT_SERIES, now.year)
        payment.receipt_issued_at = now


async def build(
    session: AsyncSession, fan: User, payment: Payment, billing: BillingConfig
) -> Receipt:
    """The receipt of the fan's own ``payment`` (numbering it now if it was paid before
    receipts existed)."""
    if payment.state is not PaymentState.PAID:
        raise ReceiptNotAvailable("Only a paid payment has a receipt.")
    await issue(session, payment, payment.paid_at or datetime.now(UTC))
    assert payment.receipt_number is not None
    assert payment.receipt_issued_at is not None
    creator = await session.get(Creator, payment.creator_id)
    assert creator is not None
    vat = await _vat_of(session, payment, billing)
    rows = await refunds.of_payments(session, [payment.id])
    money = billing.money
    paid_at = payment.paid_at or payment.receipt_issued_at
    applied = await discounts.applied_to(session, payment.id)
    discount = applied[0].discount_amount if applied else 0
    return Receipt(
        number=payment.receipt_number,
        issued_at=payment.receipt_issued_at,
        taxable_supply_date=paid_at.astimezone(PRAGUE).date(),
        seller=Party(
            name=money.payout_debtor_name,
            address=money.platform_address or None,
            ico=money.platform_company_id or None,
            dic=money.platform_vat_id or None,
        ),
        buyer=Party(name=fan.display_name, email=fan.email),
        payment_id=payment.id,
        order_number=payment.order_number,
        kind=payment.kind,
        description=await _description(session, payment, creator),
        currency=payment.currency,
        list_price=payment.amount + discount,
        discount=discount,
        discount_code=applied[1].code if applied else None,
        total=payment.amount,
        vat_rate_percent=_percent(billing.money.vat_rate_bps),
        vat=vat,
        base=payment.amount - vat,
        refunds=[
            ReceiptRefund(
                id=r.id,
                amount=r.amount,
                state=r.state,
                created_at=r.created_at,
                settled_at=r.settled_at,
            )
            for r in rows
        ],
        refunded=sum(r.amount for r in rows if r.state is RefundState.SUCCEEDED),
    )


async def _vat_of(session: AsyncSession, payment: Payment, billing: BillingConfig) -> int:
    lines = await ledger_repository.transaction_lines(session, payment_key(payment.id))
    if lines is not None:
        return sum(line.amount for line in lines if line.type is EntryType.VAT)
    money = billing.money
    terms = await fee_terms_of(session, payment.creator_id, money)
    return split_payment(payment.amount, money.vat_rate_bps, terms).vat


async def _description(session: AsyncSession, payment: Payment, creator: Creator) -> str:
    """What was supplied, in Czech (a Czech tax document)."""
    if payment.kind in (PaymentKind.MEMBERSHIP, PaymentKind.RENEWAL):
        tier = await session.get(Tier, payment.tier_id) if payment.tier_id else None
        text = f"Členství „{tier.name if tier else ''}“ u {creator.display_name}"
        if payment.period_start is not None:
            interval = payment.billing_interval or BillingInterval.MONTH
            end = period_end(payment.period_start, interval)
            text += f", období {_day(payment.period_start)} až {_day(end)}"
        return text
    if payment.kind is PaymentKind.UPGRADE:
        tier = await session.get(Tier, payment.tier_id) if payment.tier_id else None
        return (
            f"Doplatek za přechod na členství „{tier.name if tier else ''}“ u "
            f"{creator.display_name} do konce období"
        )
    if payment.kind is PaymentKind.UNLOCK:
        post = await session.get(Post, payment.post_id) if payment.post_id else None
        return f"Odemčení příspěvku „{post.title if post else ''}“ od {creator.display_name}"
    if payment.kind is PaymentKind.GIFT:
        gift = await session.scalar(select(Gift).where(Gift.payment_id == payment.id))
        tier = await session.get(Tier, payment.tier_id) if payment.tier_id else None
        months = gift.months if gift else 0
        name = tier.name if tier else ""
        return f"Dárkové členství „{name}“ u {creator.display_name}, {months} měs."
    return f"Spropitné pro {creator.display_name}"


def _day(moment: datetime) -> str:
    local = moment.astimezone(PRAGUE)
    return f"{local.day}. {local.month}. {local.year}"


def _percent(bps: int) -> str:
    whole, rest = divmod(bps, 100)
    return str(whole) if rest == 0 else f"{whole},{rest:02d}".rstrip("0")
