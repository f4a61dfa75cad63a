"""Money rules: VAT, platform fee, gateway fee estimate, hold, payouts
(``PICKEY_BILLING__MONEY__...``).

They sit under the billing settings because every path that settles a payment already carries
those (``settlement.apply`` books the ledger in the same transaction). Defaults are safe for any
existing deployment: 21 % Czech VAT included in prices, a 10 % platform fee, no gateway fee
estimate, money held 7 days, payouts from 500 Kč / 20 €.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

SUPPORTED_CURRENCIES = ("CZK", "EUR")


class MoneyConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    vat_rate_bps: int = Field(
        default=2100,
        ge=0,
        le=10000,
        description="VAT rate in basis points (2100 = 21 %), included in every price; the "
        "platform is the deemed supplier to the fan (README, How money flows).",
    )
    platform_fee_bps: int = Field(
        default=1000,
        ge=0,
        le=10000,
        description="Default platform fee in basis points of the price net of VAT (1000 = "
        "10 %); a creator's own terms (creator_fee_terms) override it.",
    )
    platform_fee_fixed: int = Field(
        default=0,
        ge=0,
        description="Default fixed platform fee per payment, in minor units of its currency.",
    )
    gateway_fee_bps: int = Field(
        default=0,
        ge=0,
        le=10000,
        description="Estimated gateway fee in basis points of the gross (an expense of the "
        "platform, never of the creator); 0 books no estimate.",
    )
    gateway_fee_fixed: int = Field(
        default=0, ge=0, description="Estimated fixed gateway fee per payment, in minor units."
    )
    hold_days: int = Field(
        default=7,
        ge=0,
        le=180,
        description="Days a creator's share of a payment is held (refunds, chargebacks) "
        "before it can be paid out.",
    )
    payout_minimum: dict[str, int] = Field(
        default_factory=lambda: {"CZK": 50000, "EUR": 2000},
        description="Smallest available balance paid out by the monthly run, per currency, in "
        'minor units (JSON, e.g. {"CZK": 50000, "EUR": 2000}).',
    )

    payout_day: int = Field(
        default=1,
        ge=1,
        le=28,
        description="Day of the month from which the payout run pays out the month before "
        "(it runs hourly from then on until the month's batch exists).",
    )
    payout_debtor_name: str = Field(
        default="Pickey",
        min_length=1,
        max_length=70,
        description="The platform's name on the bank payment order (pain.001 debtor).",
    )
    payout_debtor_iban: str | None = Field(
        default=None,
        description="The platform's bank account payouts are paid from (IBAN). Unset: no "
        "payout run happens (nothing is moved) and an anomaly is logged.",
    )
    payout_debtor_bic: str | None = Field(
        default=None, description="BIC of the platform's bank (optional in pain.001)."
    )

    platform_address: str = Field(
        default="",
        max_length=200,
        description="The platform's registered address, printed on statements and receipts.",
    )
    platform_company_id: str = Field(
        default="", max_length=20, description="The platform's company number (IČO)."
    )
    platform_vat_id: str = Field(
        default="", max_length=20, description="The platform's VAT number (DIČ), e.g. CZ12345678."
    )

    @model_validator(mode="after")
    def _debtor_iban_valid(self) -> Self:
        if self.payout_debtor_iban is not None:
            try:
                IBAN(self.payout_debtor_iban, validate_bban=True)
            except SchwiftyException as error:
                raise ValueError(f"payout_debtor_iban is not a valid IBAN: {error}") from error
        return self

    @model_validator(mode="after")
    def _minimums(self) -> Self:
        for currency, amount in self.payout_minimum.items():
            if currency not in SUPPORTED_CURRENCIES:
                raise ValueError(f"payout_minimum: unsupported currency {currency!r}")
            if amount <= 0:
                raise ValueError(f"payout_minimum[{currency}] must be positive")
        return self

    @property
    def hold(self) -> timedelta:
        return timedelta(days=self.hold_days)

    def minimum_payout(self, currency: str) -> int:
        """Currencies left out of ``payout_minimum`` are paid from 1 minor unit."""
        return self.payout_minimum.get(currency, 1)
