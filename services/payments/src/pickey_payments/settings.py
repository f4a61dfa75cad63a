"""Settings of the payments service (``PICKEY_...``)."""

from __future__ import annotations

from pydantic import Field

from pickey_core.settings import PickeySettings


class PaymentsSettings(PickeySettings):
    service_name: str = "payments"
    port: int = Field(default=8001, ge=1, le=65535)
