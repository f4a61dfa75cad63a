"""Settings of the payments service (``PICKEY_...``)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from pickey_core.gpwebpay.config import GpWebpayConfig
from pickey_core.gpwebpay.keys import KeyLoadError
from pickey_core.settings import PickeySettings


class PaymentsSettings(PickeySettings):
    service_name: str = "payments"
    port: int = Field(default=8001, ge=1, le=65535)
    gpwebpay: GpWebpayConfig = Field(
        default_factory=GpWebpayConfig,
        description="GP webpay (PICKEY_GPWEBPAY__...); development falls back to sandbox keys.",
    )

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
