"""Our answer to Mux's webhook deliveries (the events: :mod:`pickey_media.mux_events`)."""

from __future__ import annotations

from pydantic import BaseModel


class WebhookReceipt(BaseModel):
    """Our answer to Mux: the event is stored (``duplicate``: it was stored before)."""

    received: bool = True
    duplicate: bool
