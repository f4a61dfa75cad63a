"""Clients for the third parties Pickey calls, and the errors they raise.

Each client makes one HTTP call per operation and leaves retries to the caller, which knows
whether the operation may be repeated; the error class says whether trying again can help.
"""

from pickey_core.providers.errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)

__all__ = ["ProviderError", "ProviderRateLimited", "ProviderRejected", "ProviderUnavailable"]
