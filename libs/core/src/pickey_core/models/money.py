"""The money ledger, refunds, creator fee terms, payout accounts and payouts (owned by `payments`).

**Ledger.** Append-only, double-entry, integer minor units. A :class:`LedgerTransaction` is one
business event (a payment settled, a refund reserved, a payout created...) under a unique
``key`` (so booking the same event twice is a no-op); its :class:`LedgerEntry` rows move money
between accounts. Sign convention: **a positive amount is a credit** (the account holds or is
owed more: a creator's balance, platform revenue, VAT payable, refunds owed to fans, payouts in
transit, payouts paid), a negative amount a debit. The gateway clearing account (money the
gateway took from fans for us) is debit-normal, so its balance is ``-sum(amount)``.

Database guarantees (migration ``0007``): every transaction sums to zero per currency at commit
(a DEFERRABLE INITIALLY DEFERRED constraint trigger), and entries and transactions can never be
updated or deleted (a trigger raises); corrections are new reversing transactions. TRUNCATE is
left alone on purpose: it is a whole-database operation only tests and restores use.

Balances are always derived from the entries (held vs available from entry time and the hold
setting), never stored as the only truth.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import (
    Base,
    CreatedAt,
    Timestamps,
    UuidPrimaryKey,
    currency_check,
    enum_column,
)


class LedgerAccount(StrEnum):
    CREATOR = "creator"  # what the platform owes one creator (entries carry creator_id)
    PLATFORM_REVENUE = "platform_revenue"  # platform fees, net of the gateway fee estimate
    VAT_PAYABLE = "vat_payable"  # VAT the platform owes the tax office (deemed supplier)
    GATEWAY_CLEARING = "gateway_clearing"  # fans' money the gateway holds for us (debit-normal)
    GATEWAY_FEES = "gateway_fees"  # estimated fees the gateway deducts when it settles
    REFUNDS = "refunds"  # money owed back to fans: refunds accepted, not yet completed
    PAYOUTS_IN_TRANSIT = "payouts_in_transit"  # in a bank order, not yet confirmed paid
    PAYOUTS_PAID = "payouts_paid"  # left the platform's bank to creators


class EntryType(StrEnum):
    PAYMENT = "payment"  # the gross into clearing, the creator's share
    PLATFORM_FEE = "platform_fee"
    VAT = "vat"
    GATEWAY_FEE = "gateway_fee"
    REFUND = "refund"  # refund reserved (taken back from creator, fee, VAT) or paid to the fan
    REVERSAL = "reversal"  # a refund the gateway did not make: its reservation given back
    PAYOUT = "payout"  # creator balance → payouts in transit
    PAYOUT_PAID = "payout_paid"
    PAYOUT_FAILED = "payout_failed"  # in transit → back to the creator's balance


class TransactionKind(StrEnum):
    PAYMENT = "payment"
    REFUND_RESERVED = "refund_reserved"
    REFUND_PAID = "refund_paid"
    REFUND_RELEASED = "refund_released"
    PAYOUT = "payout"
    PAYOUT_PAID = "payout_paid"
    PAYOUT_FAILED = "payout_failed"


# Entry types whose creator-account amounts are "recent sales" for the hold: a creator's held
# money is what these added in the last hold period, capped by the balance (ledger.balances).
HOLD_ENTRY_TYPES = (EntryType.PAYMENT.value, EntryType.REFUND.value, EntryType.REVERSAL.value)


class LedgerTransaction(UuidPrimaryKey, CreatedAt, Base):
    """One balanced business event. ``key`` makes booking it idempotent (e.g. ``payment:<id>``)."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        sa.Index(
            "ix_ledger_transactions_payment",
            "payment_id",
            postgresql_where=sa.text("payment_id IS NOT NULL"),
        ),
        sa.Index(
            "ix_ledger_transactions_refund",
            "refund_id",
            postgresql_where=sa.text("refund_id IS NOT NULL"),
        ),
        sa.Index(
            "ix_ledger_transactions_payout",
            "payout_id",
            postgresql_where=sa.text("payout_id IS NOT NULL"),
        ),
        # The analytics job reads one month of bookings.
        sa.Index("ix_ledger_transactions_created", "created_at"),
    )

    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[TransactionKind] = mapped_column(enum_column(TransactionKind, "ledger_tx_kind"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payments.id"))
    refund_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("refunds.id"))
    payout_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payouts.id"))
    creator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("creators.id"))


class LedgerEntry(Base):
    """One signed movement on one account (credit positive). Never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("amount <> 0", name="amount_nonzero"),
        sa.CheckConstraint(
            "creator_id IS NOT NULL OR account NOT IN ('creator', 'payouts_in_transit')",
            name="creator_accounts_have_creator",
        ),
        currency_check(),
        # The balance check sums a transaction's entries.
        sa.Index("ix_ledger_entries_transaction", "transaction_id"),
        # A creator's accounts: balances, earnings pages (keyset on created_at, id), payout run.
        sa.Index(
            "ix_ledger_entries_creator_account",
            "creator_id",
            "account",
            "created_at",
            "id",
            postgresql_where=sa.text("creator_id IS NOT NULL"),
        ),
        # The operator's ledger per account (keyset on id, newest first).
        sa.Index("ix_ledger_entries_account_id", "account", "id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("ledger_transactions.id"))
    account: Mapped[LedgerAccount] = mapped_column(enum_column(LedgerAccount, "ledger_account"))
    creator_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("creators.id"))
    type: Mapped[EntryType] = mapped_column(enum_column(EntryType, "ledger_entry_type"))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )


class RefundState(StrEnum):
    REQUESTED = "requested"  # accepted by us, the gateway not called yet
    PENDING = "pending"  # the WS call is (or was) under way
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the answer was lost: ask the gateway, never send twice


class Refund(UuidPrimaryKey, Timestamps, Base):
    """Money given back to a fan through the gateway (``processRefund``), partial or full."""

    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        currency_check(),
        sa.Index("ix_refunds_payment", "payment_id"),
        # The creator's "refunds issued" list, newest first, in keyset pages.
        sa.Index("ix_refunds_creator_created_id", "creator_id", "created_at", "id"),
        sa.Index(
            "ix_refunds_unsettled",
            "created_at",
            postgresql_where=sa.text("state IN ('requested', 'pending', 'unknown')"),
        ),
    )

    payment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payments.id"))
    # The creator the payment went to (copied from it): lists a creator's refunds by index.
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    amount: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    state: Mapped[RefundState] = mapped_column(enum_column(RefundState, "refund_state"))
    # The WS messageId of the processRefund call: unique for ever, so a retry is recognised.
    message_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Null for automatic refunds (double checkout, unlock of an unlocked post, deleted account).
    requested_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, server_default="")
    ends_access: Mapped[bool] = mapped_column(server_default=sa.false())
    automatic: Mapped[bool] = mapped_column(server_default=sa.false())
    prcode: Mapped[str | None] = mapped_column(sa.String(8))
    srcode: Mapped[str | None] = mapped_column(sa.String(8))
    result_text: Mapped[str | None] = mapped_column(sa.String(255))
    # Lease and attempts, as a renewal charge has: while gateway_called_at is recent, another
    # worker leaves the refund alone; after that it asks the gateway instead of sending again.
    gateway_called_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    settled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class CreatorFeeTerms(Base):
    """A creator's own platform fee; a null column means the default from settings."""

    __tablename__ = "creator_fee_terms"
    __table_args__ = (
        sa.CheckConstraint("fee_bps BETWEEN 0 AND 10000", name="fee_bps_range"),
        sa.CheckConstraint("fee_fixed >= 0", name="fee_fixed_nonnegative"),
    )

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
    # Percentage in basis points (1000 = 10 %) of the price net of VAT.
    fee_bps: Mapped[int | None] = mapped_column(sa.Integer)
    # A fixed part per payment, in minor units of the payment's currency.
    fee_fixed: Mapped[int | None] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now(), onupdate=sa.func.now()
    )


class PayoutAccount(UuidPrimaryKey, CreatedAt, Base):
    """Where a creator's payouts go. Rows are history: the newest one wins."""

    __tablename__ = "payout_accounts"
    __table_args__ = (sa.Index("ix_payout_accounts_creator_created", "creator_id", "created_at"),)

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    iban: Mapped[str] = mapped_column(sa.String(34))
    holder_name: Mapped[str] = mapped_column(sa.String(70))


class PayoutBatchState(StrEnum):
    CREATED = "created"  # the payment-order file exists; not uploaded to the bank yet
    SENT = "sent"  # the operator uploaded it
    PAID = "paid"  # the bank executed it
    FAILED = "failed"  # the bank refused it: the money went back to the balances


class PayoutBatch(UuidPrimaryKey, Timestamps, Base):
    """One monthly payout run: unique per period, so the run happens exactly once."""

    __tablename__ = "payout_batches"

    period: Mapped[str] = mapped_column(sa.String(7), unique=True)  # YYYY-MM
    state: Mapped[PayoutBatchState] = mapped_column(
        enum_column(PayoutBatchState, "payout_batch_state")
    )


class PayoutOrder(CreatedAt, Base):
    """A batch's bank payment order for one currency: an ISO 20022 pain.001 XML document."""

    __tablename__ = "payout_orders"

    batch_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("payout_batches.id"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    document: Mapped[str] = mapped_column(sa.Text)


class Payout(UuidPrimaryKey, Timestamps, Base):
    """What one creator is paid in one batch, in one currency."""

    __tablename__ = "payouts"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        currency_check(),
        sa.UniqueConstraint("batch_id", "creator_id", "currency"),
        sa.Index("ix_payouts_creator_created", "creator_id", "created_at", "id"),
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payout_batches.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    payout_account_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payout_accounts.id"))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    state: Mapped[PayoutBatchState] = mapped_column(enum_column(PayoutBatchState, "payout_state"))
    # The self-billing invoice number of its statement (document series "SB").
    statement_number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    # The creator-account entries the statement covers: ids up to this one, after the
    # previous payout's (entries are append-only, so the range never changes).
    last_entry_id: Mapped[int] = mapped_column(sa.BigInteger)


class DocumentSeries(Base):
    """Gap-free document numbers per series and year (receipts ``R``, self-billing ``SB``)."""

    __tablename__ = "document_series"
    __table_args__ = (sa.CheckConstraint("next_number > 0", name="next_number_positive"),)

    series: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    next_number: Mapped[int] = mapped_column(sa.Integer)
