"""What can go wrong when we call a third party, sorted by what the caller should do about it.

- :class:`ProviderRejected`: the provider refused this request for good (bad field, bad
  credentials). Sending it again unchanged fails again; fix the request or the configuration.
- :class:`ProviderRateLimited`: try again later, ideally not before ``retry_after`` seconds.
- :class:`ProviderUnavailable`: the provider (or the network to it) failed; try again later. The
  request may still have been acted on (a timeout after the provider accepted it), so callers
  whose provider has no idempotency key must deduplicate on their side.

These are not :class:`pickey_core.errors.PickeyError`: they describe someone else's HTTP answer,
not one of ours. Endpoints translate them into our errors where it makes sense.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class ProviderError(Exception):
    """A call to ``provider`` failed; ``status_code`` is the provider's HTTP status, if any."""

    def __init__(self, provider: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.provider = provider
        self.message = message
        self.status_code = status_code

    def __str__(self) -> str:
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"{self.provider}{status}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.provider!r}, "
            f"status_code={self.status_code!r}, message={self.message!r})"
        )


class ProviderRejected(ProviderError):
    """A 4xx other than a rate limit: permanent for this request."""


class ProviderRateLimited(ProviderError):
    """Over a limit; ``retry_after`` is how many seconds to wait, when the provider said."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status_code: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(provider, message, status_code=status_code)
        self.retry_after = retry_after

    def __str__(self) -> str:
        hint = f", retry after {self.retry_after:g}s" if self.retry_after is not None else ""
        return super().__str__() + hint


class ProviderUnavailable(ProviderError):
    """5xx, refused connection, timeout: transient, and the outcome may be unknown."""


def error_for_status(
    provider: str,
    status: int,
    message: str,
    *,
    retry_after: float | None = None,
    rate_limit_statuses: frozenset[int] = frozenset({429}),
) -> ProviderError:
    """The error for a provider's unsuccessful HTTP answer, the same way for every client.

    A rate-limit status (429; Pusher also answers 403 over its quota, Mailgun 420) is
    :class:`ProviderRateLimited` with ``retry_after`` when the provider gave it; any other 4xx is
    :class:`ProviderRejected`; everything else (5xx, a stray 3xx) is :class:`ProviderUnavailable`.
    """
    if status in rate_limit_statuses:
        return ProviderRateLimited(provider, message, status_code=status, retry_after=retry_after)
    if 400 <= status < 500:
        return ProviderRejected(provider, message, status_code=status)
    return ProviderUnavailable(provider, message, status_code=status)


def seconds_until(moment: datetime, *, now: datetime | None = None) -> float:
    """Seconds from ``now`` to ``moment``, never negative (a reset time already past means now)."""
    current = now or datetime.now(UTC)
    return max(0.0, (moment - current).total_seconds())


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Returns None for a missing or unreadable value, so the caller falls back to its own backoff
    instead of failing on a provider's sloppy header.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        moment = parse_http_date(text)
        return None if moment is None else seconds_until(moment, now=now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def parse_http_date(value: str) -> datetime | None:
    """An RFC 5322 / HTTP date (``GMT``, ``UTC`` or an offset) as an aware datetime, else None."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
