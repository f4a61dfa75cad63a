"""The money ledger: every payment, refund and payout as balanced, append-only entries.

**Accounts** (:class:`pickey_core.models.LedgerAccount`; credit positive, see
:mod:`pickey_core.models.money`): each creator's balance (``creator`` + creator_id), platform
revenue, VAT payable, gateway clearing (debit-normal: fans' money the gateway holds), gateway
fees (estimated, owed to the gateway), refunds (owed back to fans while the gateway refunds),
payouts in transit (in a bank order), payouts paid.

**What each event books** (one transaction each, under a unique key, so booking twice is a
no-op; amounts from :mod:`pickey_payments.ledger.split`):

- a paid payment (``payment:<id>``, :func:`record_payment`, called by ``settlement.apply`` in the
  transaction that marks it paid): gross debited to gateway clearing; VAT credited to VAT
  payable; platform fee to platform revenue; the rest to the creator. A gateway fee estimate, if
  configured, moves from platform revenue to gateway fees (the platform's expense).
- a refund (:func:`record_refund`, called whenever a refund's state changes):
  ``refund:<id>:reserved`` as soon as it exists — the creator's share, the fee and the VAT of the
  refunded part (cumulative rounding, :func:`pickey_payments.ledger.split.refund_part`) move to
  the refunds account, so money being refunded can never be paid out meanwhile;
  ``refund:<id>:paid`` when the gateway refunded — from refunds out of gateway clearing;
  ``refund:<id>:released`` when it failed — the reservation reversed. The gateway keeps its fee
  on a refund, so the gateway fee estimate is not reversed.
- payouts: see :mod:`pickey_payments.payouts`.

**Held and available** are derived, never stored: ``held = max(0, min(balance, recent))`` where
``recent`` is what sales, refunds and released refunds added to the creator's account in the
last ``hold_days``; ``available = balance - held``. So a refund comes out of held money first
(it lowers ``recent`` and ``balance`` together) and then out of available money; a balance
driven below zero by refunds of money already paid out stays negative and is netted against
the next payout (a creator is paid only when available ≥ the minimum).

**Floor** (what the property test checks): a creator's balance + in transit + paid out equals
the shares of their paid payments minus the shares taken back by refunds — never below zero;
the balance alone is never below minus the shares of refunds of already paid-out money.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    EntryType,
    LedgerAccount,
    Payment,
    PaymentState,
    Refund,
    RefundState,
    TransactionKind,
)
from pickey_core.observability.metrics import PAYMENT_ANOMALIES
from pickey_payments.ledger import repository
from pickey_payments.ledger.config import MoneyConfig
from pickey_payments.ledger.repository import Line
from pickey_payments.ledger.split import FeeTerms, Split, refund_part, split_payment

logger = structlog.get_logger(__name__)

A = LedgerAccount
T = EntryType


class RefundExceedsPayment(ValueError):
    """Refunds of a payment would add up to more than was paid."""


def payment_key(payment_id: uuid.UUID) -> str:
    return f"payment:{payment_id}"


def refund_key(refund_id: uuid.UUID, step: str) -> str:
    return f"refund:{refund_id}:{step}"


async def fee_terms_of(
    session: AsyncSession, creator_id: uuid.UUID, money: MoneyConfig
) -> FeeTerms:
    """The creator's own fee, each part falling back to the default from settings."""
    own = await repository.fee_terms(session, creator_id)
    return FeeTerms(
        fee_bps=own.fee_bps if own and own.fee_bps is not None else money.platform_fee_bps,
        fee_fixed=own.fee_fixed if own and own.fee_fixed is not None else money.platform_fee_fixed,
    )


def payment_lines(split: Split) -> list[Line]:
    return [
        Line(A.GATEWAY_CLEARING, T.PAYMENT, -split.gross),
        Line(A.VAT_PAYABLE, T.VAT, split.vat),
        Line(A.PLATFORM_REVENUE, T.PLATFORM_FEE, split.platform_fee),
        Line(A.CREATOR, T.PAYMENT, split.creator_share),
        Line(A.PLATFORM_REVENUE, T.GATEWAY_FEE, -split.gateway_fee),
        Line(A.GATEWAY_FEES, T.GATEWAY_FEE, split.gateway_fee),
    ]


async def record_payment(
    session: AsyncSession, payment: Payment, money: MoneyConfig, now: datetime | None = None
) -> bool:
    """Book a paid payment (once; True if this call booked it). The entries are dated when the
    payment was paid, which is when its hold starts."""
    if payment.state is not PaymentState.PAID:
        raise ValueError(f"payment {payment.id} is {payment.state.value}, not paid")
    when = payment.paid_at or now or datetime.now(UTC)
    terms = await fee_terms_of(session, payment.creator_id, money)
    split = split_payment(
        payment.amount, money.vat_rate_bps, terms, money.gateway_fee_bps, money.gateway_fee_fixed
    )
    booked = await repository.book(
        session,
        key=payment_key(payment.id),
        kind=TransactionKind.PAYMENT,
        currency=payment.currency,
        lines=payment_lines(split),
        now=when,
        creator_id=payment.creator_id,
        payment_id=payment.id,
    )
    if booked is not None:
        logger.info(
            "payment booked",
            payment_id=str(payment.id),
            gross=split.gross,
            vat=split.vat,
            platform_fee=split.platform_fee,
            creator_share=split.creator_share,
        )
    return booked is not None


async def record_refund(
    session: AsyncSession, refund: Refund, money: MoneyConfig, now: datetime | None = None
) -> bool:
    """Bring the ledger in line with the refund's state (call it after every state change;
    repeating it is harmless). True if anything was booked.

    - any state but ``failed``: the refunded part is reserved (taken from the creator, the fee
      and the VAT into the refunds account) if it is not yet;
    - ``succeeded``: also paid out of gateway clearing;
    - ``failed``: a reservation, if one was made, is released (reversed).

    Locks the payment row: refunds of one payment are booked one after the other.
    Raises :class:`RefundExceedsPayment` if the refunds would exceed the payment.
    """
    now = now or datetime.now(UTC)
    payment = await repository.lock_payment(session, refund.payment_id)
    if payment is None:
        raise LookupError(f"payment {refund.payment_id} does not exist")
    if refund.state is RefundState.FAILED:
        return await _release(session, refund, payment, now)
    changed = await _reserve(session, refund, payment, money, now)
    if refund.state is RefundState.SUCCEEDED:
        paid = await repository.book(
            session,
            key=refund_key(refund.id, "paid"),
            kind=TransactionKind.REFUND_PAID,
            currency=refund.currency,
            lines=[
                Line(A.REFUNDS, T.REFUND, -refund.amount),
                Line(A.GATEWAY_CLEARING, T.REFUND, refund.amount),
            ],
            now=now,
            creator_id=payment.creator_id,
            payment_id=payment.id,
            refund_id=refund.id,
        )
        changed = changed or paid is not None
    return changed


async def _reserve(
    session: AsyncSession, refund: Refund, payment: Payment, money: MoneyConfig, now: datetime
) -> bool:
    key = refund_key(refund.id, "reserved")
    if await repository.transaction_lines(session, key) is not None:
        return False
    if refund.currency != payment.currency:
        raise ValueError(
            f"refund {refund.id} is in {refund.currency}, its payment in {payment.currency}"
        )
    original = await repository.transaction_lines(session, payment_key(payment.id))
    if original is None:
        # Paid before the ledger existed (or never booked): book it now, then refund it.
        PAYMENT_ANOMALIES.labels("refund_of_unbooked_payment").inc()
        await record_payment(session, payment, money, now)
        original = await repository.transaction_lines(session, payment_key(payment.id))
        assert original is not None
    taken = await repository.taken_by_refunds(session, payment.id, refund.id)
    before = taken.get(A.REFUNDS, 0)
    if before + refund.amount > payment.amount:
        raise RefundExceedsPayment(
            f"refunds of payment {payment.id} would reach {before + refund.amount}, "
            f"more than the {payment.amount} paid"
        )
    vat = sum(line.amount for line in original if line.type is T.VAT)
    fee = sum(line.amount for line in original if line.type is T.PLATFORM_FEE)
    vat_back = refund_part(
        vat, payment.amount, before + refund.amount, -taken.get(A.VAT_PAYABLE, 0)
    )
    fee_back = refund_part(
        fee, payment.amount, before + refund.amount, -taken.get(A.PLATFORM_REVENUE, 0)
    )
    share_back = refund.amount - vat_back - fee_back
    await repository.book(
        session,
        key=key,
        kind=TransactionKind.REFUND_RESERVED,
        currency=refund.currency,
        lines=[
            Line(A.CREATOR, T.REFUND, -share_back),
            Line(A.PLATFORM_REVENUE, T.REFUND, -fee_back),
            Line(A.VAT_PAYABLE, T.REFUND, -vat_back),
            Line(A.REFUNDS, T.REFUND, refund.amount),
        ],
        now=now,
        creator_id=payment.creator_id,
        payment_id=payment.id,
        refund_id=refund.id,
    )
    return True


async def _release(session: AsyncSession, refund: Refund, payment: Payment, now: datetime) -> bool:
    reserved = await repository.transaction_lines(session, refund_key(refund.id, "reserved"))
    if reserved is None:
        return False
    if await repository.transaction_lines(session, refund_key(refund.id, "paid")) is not None:
        PAYMENT_ANOMALIES.labels("refund_failed_after_paid").inc()
        logger.error("refund marked failed after it was booked paid", refund_id=str(refund.id))
        return False
    released = await repository.book(
        session,
        key=refund_key(refund.id, "released"),
        kind=TransactionKind.REFUND_RELEASED,
        currency=refund.currency,
        lines=[Line(line.account, T.REVERSAL, -line.amount) for line in reserved],
        now=now,
        creator_id=payment.creator_id,
        payment_id=payment.id,
        refund_id=refund.id,
    )
    return released is not None


@dataclass(frozen=True)
class CreatorBalance:
    """A creator's money in one currency, in minor units."""

    currency: str
    held: int  # paid in the last hold_days: kept for refunds and chargebacks
    available: int  # paid out by the next payout run (if ≥ the minimum); negative = owed back
    in_transit: int  # in a bank order not yet confirmed paid

    @property
    def balance(self) -> int:
        return self.held + self.available


async def balances(
    session: AsyncSession, creator_id: uuid.UUID, money: MoneyConfig, now: datetime | None = None
) -> list[CreatorBalance]:
    """Held, available and in transit per currency, derived from the entries as of ``now``."""
    now = now or datetime.now(UTC)
    result = []
    for sums in await repository.creator_sums(session, creator_id, now - money.hold):
        held = max(0, min(sums.balance, sums.recent))
        result.append(CreatorBalance(sums.currency, held, sums.balance - held, sums.in_transit))
    return result
