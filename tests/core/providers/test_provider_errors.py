"""One mapping from a provider's HTTP status to what the caller should do, for every client."""

from __future__ import annotations

import pytest

from pickey_core.providers import mailgun, pusher_client
from pickey_core.providers.errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
    error_for_status,
)


@pytest.mark.parametrize(
    ("status", "rate_limits", "expected"),
    [
        (429, frozenset({429}), ProviderRateLimited),
        (403, frozenset({429}), ProviderRejected),
        (403, pusher_client.RATE_LIMIT_STATUSES, ProviderRateLimited),
        (420, mailgun.RATE_LIMIT_STATUSES, ProviderRateLimited),
        (400, frozenset({429}), ProviderRejected),
        (499, frozenset({429}), ProviderRejected),
        (500, frozenset({429}), ProviderUnavailable),
        (503, frozenset({429}), ProviderUnavailable),
        (302, frozenset({429}), ProviderUnavailable),
    ],
)
def test_the_status_decides_the_error(
    status: int, rate_limits: frozenset[int], expected: type[ProviderError]
) -> None:
    error = error_for_status("mux", status, "nope", rate_limit_statuses=rate_limits)

    assert type(error) is expected
    assert (error.provider, error.status_code, error.message) == ("mux", status, "nope")


def test_a_rate_limit_carries_its_retry_after() -> None:
    error = error_for_status("pusher", 429, "slow down", retry_after=7.5)

    assert isinstance(error, ProviderRateLimited)
    assert error.retry_after == 7.5
