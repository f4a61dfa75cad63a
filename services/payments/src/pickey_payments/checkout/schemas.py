"""Request and response bodies of the checkout endpoint.

Amounts are integers in minor units (haléře, cents), strictly: ``"5000"`` or ``50.0`` is refused
rather than guessed at. The amount of a membership or an unlock comes from the tier or the post,
never from the request.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.models import BillingInterval, PaymentKind, PaymentState
from pickey_payments.discounts.schemas import AppliedDiscount, Code
from pickey_payments.gifts.schemas import GiftCheckoutFields


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MembershipCheckout(_Request):
    kind: Literal["membership"]
    tier_id: uuid.UUID
    discount_code: Code | None = Field(
        default=None, description="A code of the tier's creator, matched case-insensitively."
    )
    interval: BillingInterval = Field(
        default=BillingInterval.MONTH,
        description="Pay monthly (the tier's price) or yearly (its yearly price, when it has "
        "one); renewals charge the same interval.",
    )


class TipCheckout(_Request):
    kind: Literal["tip"]
    creator_id: uuid.UUID
    amount: int = Field(strict=True, description="Minor units; see the bounds per currency.")
    currency: str = Field(min_length=3, max_length=3, description="ISO code, e.g. CZK.")


class UnlockCheckout(_Request):
    kind: Literal["unlock"]
    post_id: uuid.UUID


class GiftCheckout(GiftCheckoutFields):
    """Months of a tier for someone else, paid once; the code goes to ``recipient_email``."""


CheckoutCreate = Annotated[
    MembershipCheckout | TipCheckout | UnlockCheckout | GiftCheckout, Field(discriminator="kind")
]


class GatewayForm(BaseModel):
    """An auto-submitted POST form to the gateway, for clients that prefer it to a redirect."""

    action: str
    method: Literal["POST"] = "POST"
    fields: dict[str, str]


class CheckoutRead(BaseModel):
    payment_id: uuid.UUID
    order_number: str = Field(description="The gateway's ORDERNUMBER (digits, as a string).")
    kind: PaymentKind
    state: PaymentState
    amount: int = Field(description="What the fan pays now (after any discount), minor units.")
    currency: str
    discount: AppliedDiscount | None = Field(
        default=None, description="The list price and what the discount code took off."
    )
    description: str = Field(description="What the gateway's page shows (ASCII).")
    redirect_url: str = Field(description="Send the browser here (GET) to pay.")
    form: GatewayForm
