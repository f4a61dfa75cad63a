"""The statement of one payout: what it pays for, line by line, and a self-billing invoice.

A payout covers the creator's account entries (in its currency) after the previous payout that
was not returned, up to ``payouts.last_entry_id`` — entries are append-only, so the range and
every number on the statement never change. The statement shows:

- the opening balance (everything before the range), every payment in the range with its gross,
  VAT, platform fee and the creator's share, every refund with the share taken back, returned
  (failed) payouts and earlier payouts inside the range;
- the closing balance (opening + the range), the amount paid out, and what is carried to the next
  payout (closing - paid: money still held, or a negative balance owed back).

``opening + Σ lines = closing`` and ``closing - payout = carried`` hold exactly (tests check it).

Self-billing (§28(4) of the Czech VAT Act allows the customer to issue the supplier's invoice):
the platform buys the creator's content service for the creator's share and issues the invoice
in the creator's name, numbered in the ``SB`` series when the payout is created. It carries no
VAT: creators are assumed not to be VAT payers (a VAT-registered creator would need their own
rate on it — not handled yet, named in the README).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    EntryType,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutBatchState,
    TransactionKind,
)
from pickey_payments.ledger.config import MoneyConfig


@dataclass(frozen=True)
class PaymentLine:
    payment_id: uuid.UUID
    paid_at: datetime
    gross: int
    vat: int
    platform_fee: int
    share: int  # = gross - vat - platform_fee


@dataclass(frozen=True)
class OtherLine:
    """A refund (share taken back, negative), a released refund, or a payout in the range."""

    kind: TransactionKind
    at: datetime
    amount: int
    refund_id: uuid.UUID | None
    payout_id: uuid.UUID | None


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    company_id: str
    vat_id: str


@dataclass
class Statement:
    number: str
    period: str
    issued_at: datetime
    currency: str
    supplier: Party  # the creator (self-billed)
    customer: Party  # the platform
    iban: str
    opening: int
    payments: list[PaymentLine] = field(default_factory=list)
    others: list[OtherLine] = field(default_factory=list)
    closing: int = 0
    paid_out: int = 0
    state: PayoutBatchState = PayoutBatchState.CREATED

    @property
    def carried(self) -> int:
        return self.closing - self.paid_out

    @property
    def totals(self) -> dict[str, int]:
        return {
            "gross": sum(line.gross for line in self.payments),
            "vat": sum(line.vat for line in self.payments),
            "platform_fee": sum(line.platform_fee for line in self.payments),
            "share": sum(line.share for line in self.payments),
            "other": sum(line.amount for line in self.others),
        }


async def previous_last_entry(session: AsyncSession, payout: Payout) -> int:
    """Where this payout's range starts: the last entry of the creator's previous payout in
    this currency that was not returned (0 for the first)."""
    last = await session.scalar(
        select(func.max(Payout.last_entry_id)).where(
            Payout.creator_id == payout.creator_id,
            Payout.currency == payout.currency,
            Payout.state != PayoutBatchState.FAILED.value,
            Payout.last_entry_id < payout.last_entry_id,
        )
    )
    return int(last or 0)


async def build(session: AsyncSession, payout: Payout, money: MoneyConfig) -> Statement:
    start = await previous_last_entry(session, payout)
    creator = await session.get(Creator, payout.creator_id)
    batch = await session.get(PayoutBatch, payout.batch_id)
    account = await session.get(PayoutAccount, payout.payout_account_id)
    assert creator is not None
    assert batch is not None
    assert account is not None
    creator_entries = (
        LedgerEntry.creator_id == payout.creator_id,
        LedgerEntry.account == LedgerAccount.CREATOR.value,
        LedgerEntry.currency == payout.currency,
    )
    opening = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            *creator_entries, LedgerEntry.id <= start
        )
    )
    statement = Statement(
        number=payout.statement_number or "",
        period=batch.period,
        issued_at=payout.created_at,
        currency=payout.currency,
        supplier=Party(creator.display_name, "", "", ""),
        customer=Party(
            money.payout_debtor_name,
            money.platform_address,
            money.platform_company_id,
            money.platform_vat_id,
        ),
        iban=account.iban,
        opening=int(opening or 0),
        paid_out=payout.amount,
        state=payout.state,
    )
    in_range = select(LedgerEntry.transaction_id).where(
        *creator_entries, LedgerEntry.id > start, LedgerEntry.id <= payout.last_entry_id
    )
    rows = await session.execute(
        select(LedgerTransaction, LedgerEntry.account, LedgerEntry.type, LedgerEntry.amount)
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.id.in_(in_range))
        .order_by(LedgerTransaction.created_at, LedgerEntry.id)
    )
    by_transaction: dict[uuid.UUID, tuple[LedgerTransaction, dict[str, int]]] = {}
    for transaction, account_name, entry_type, amount in rows:
        _, sums = by_transaction.setdefault(transaction.id, (transaction, defaultdict(int)))
        sums[f"{account_name}/{entry_type}"] += int(amount)
    for transaction, sums in by_transaction.values():
        share = sums.get(f"{LedgerAccount.CREATOR.value}/{EntryType.PAYMENT.value}", 0)
        if transaction.kind is TransactionKind.PAYMENT:
            assert transaction.payment_id is not None
            statement.payments.append(
                PaymentLine(
                    payment_id=transaction.payment_id,
                    paid_at=transaction.created_at,
                    gross=-sums.get("gateway_clearing/payment", 0),
                    vat=sums.get("vat_payable/vat", 0),
                    platform_fee=sums.get("platform_revenue/platform_fee", 0),
                    share=share,
                )
            )
        else:
            creator_part = sum(amount for key, amount in sums.items() if key.startswith("creator/"))
            statement.others.append(
                OtherLine(
                    transaction.kind,
                    transaction.created_at,
                    creator_part,
                    transaction.refund_id,
                    transaction.payout_id,
                )
            )
    statement.closing = statement.opening + statement.totals["share"] + statement.totals["other"]
    return statement
