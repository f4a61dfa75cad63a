"""A receipt as JSON: the fields of a Czech simplified tax document (§29 of the VAT Act), and the
refunds of the payment."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from pickey_core.models import PaymentKind, RefundState


class Party(BaseModel):
    name: str
    address: str | None = None
    ico: str | None = None
    dic: str | None = None
    email: str | None = None


class ReceiptRefund(BaseModel):
    id: uuid.UUID
    amount: int
    state: RefundState
    created_at: datetime
    settled_at: datetime | None


class Receipt(BaseModel):
    number: str = Field(description="Evidenční číslo in the R series, e.g. R2026-000042.")
    document: str = "Zjednodušený daňový doklad"
    issued_at: datetime = Field(description="Datum vystavení.")
    taxable_supply_date: date = Field(description="Datum uskutečnění zdanitelného plnění.")
    seller: Party
    buyer: Party
    payment_id: uuid.UUID
    order_number: str
    kind: PaymentKind
    description: str = Field(description="What was sold (the service supplied).")
    currency: str
    list_price: int = Field(description="The price before any discount, minor units.")
    discount: int = Field(description="Taken off by a discount code, minor units (0: none).")
    discount_code: str | None = Field(description="The discount code, if one was used.")
    total: int = Field(description="Price including VAT that was paid, minor units.")
    vat_rate_percent: str = Field(description='e.g. "21".')
    vat: int = Field(description="VAT part of the total, minor units.")
    base: int = Field(description="Total without VAT, minor units.")
    refunds: list[ReceiptRefund]
    refunded: int = Field(description="Refunds that succeeded, minor units.")
