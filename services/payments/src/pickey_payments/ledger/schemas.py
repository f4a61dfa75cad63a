"""Bodies of the ledger endpoints: balances and entries (amounts in minor units)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from pickey_core.models import EntryType, LedgerAccount, LedgerEntry, LedgerTransaction
from pickey_core.models import TransactionKind as Kind


class BalanceRead(BaseModel):
    currency: str
    held: int = Field(description="Paid in the last hold_days: kept for refunds and chargebacks.")
    available: int = Field(
        description="Paid out by the next monthly run if over the minimum; "
        "negative when refunds took back money already paid out."
    )
    in_transit: int = Field(description="In a bank order not yet confirmed paid.")


class BalancesRead(BaseModel):
    hold_days: int
    balances: list[BalanceRead]


class EntryRead(BaseModel):
    """One movement: positive adds to the account, negative takes from it."""

    id: int
    account: LedgerAccount
    type: EntryType
    amount: int
    currency: str
    created_at: datetime
    transaction_kind: Kind
    creator_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    refund_id: uuid.UUID | None
    payout_id: uuid.UUID | None

    @classmethod
    def of(cls, entry: LedgerEntry, transaction: LedgerTransaction) -> EntryRead:
        return cls(
            id=entry.id,
            account=entry.account,
            type=entry.type,
            amount=entry.amount,
            currency=entry.currency,
            created_at=entry.created_at,
            transaction_kind=transaction.kind,
            creator_id=entry.creator_id,
            payment_id=transaction.payment_id,
            refund_id=transaction.refund_id,
            payout_id=transaction.payout_id,
        )
