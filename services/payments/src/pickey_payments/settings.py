"""Settings of the payments service (``PICKEY_...``)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from pickey_core.gpwebpay.config import GpWebpayConfig
from pickey_core.gpwebpay.keys import KeyLoadError
from pickey_core.settings import PickeySettings
from pickey_payments.billing_config import BillingConfig


class PaymentsSettings(PickeySettings):
    service_name: str = "payments"
    port: int = Field(default=8001, ge=1, le=65535)
    gpwebpay: GpWebpayConfig = Field(
        default_factory=GpWebpayConfig,
        description="GP webpay (PICKEY_GPWEBPAY__...); development falls back to sandbox keys.",
    )
    billing: BillingConfig = BillingConfig()

    @model_validator(mode="after")
    def _gpwebpay_keys_work(self) -> Self:
        """Refuse to start unless both keys load and a probe signed with ours verifies, so a bad
        key is a start-up error, not a fan's failed payment. Outside development the merchant
        number must be set explicitly (its default is the sandbox's development merchant)."""
        if not self.is_development and "merchant_number" not in self.gpwebpay.model_fields_set:
            raise ValueError(
                "PICKEY_GPWEBPAY__MERCHANT_NUMBER is required outside development "
                "(the default is the sandbox's development merchant)"
            )
        try:
            self.gpwebpay.load_keys(allow_dev_keys=self.is_development)
        except KeyLoadError as error:
            raise ValueError(str(error)) from error
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_call(self) -> Self:
        if self.billing.charge_lease_seconds <= self.gpwebpay.ws_timeout_seconds:
            raise ValueError(
                "PICKEY_BILLING__CHARGE_LEASE_SECONDS must be longer than "
                "PICKEY_GPWEBPAY__WS_TIMEOUT_SECONDS (a charge still under way would be "
                "looked at by another worker)"
            )
        return self
