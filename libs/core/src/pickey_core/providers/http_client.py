"""What every provider client shares: its config, and an httpx client it may or may not own."""

from __future__ import annotations

from typing import Generic, Self, TypeVar

import httpx

C = TypeVar("C")


class ProviderClient(Generic[C]):
    """Holds ``config`` and an HTTP client. A client passed in (shared by the caller, or a test
    transport) belongs to the caller and is left open; one made here is closed by :meth:`aclose`.
    """

    def __init__(
        self, config: C, http: httpx.AsyncClient | None, timeout: httpx.Timeout | float
    ) -> None:
        self._config = config
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)

    @property
    def config(self) -> C:
        return self._config

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client, but only one we created: a shared one belongs to its owner."""
        if self._owns_http:
            await self._http.aclose()
