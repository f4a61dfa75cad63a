"""Clients for the third parties Pickey calls, and the errors they raise.

Mailgun's client makes one HTTP call per operation and leaves retries to the caller (a send has
no idempotency key; the delivery ledger decides). Mux's client retries reads and idempotent
calls itself, and creates only where no request can have reached Mux (see its module). The error
class says whether trying again later can help.
"""

from pickey_core.providers.errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)

__all__ = ["ProviderError", "ProviderRateLimited", "ProviderRejected", "ProviderUnavailable"]
