"""A limit on password confirmations for payout-account changes, counted per user in Redis.

A stolen session cookie must not become a way to guess the password through this endpoint:
at most ``MAX_ATTEMPTS`` confirmations per user in a ``WINDOW_SECONDS`` fixed window. The limit is
:mod:`pickey_core.throttle`, the api's login throttle too: each attempt is counted *before* the
(slow) hash check, so parallel guesses cannot slip past, and a right password clears the count.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pickey_core import throttle
from pickey_core.errors import TooManyRequests

if TYPE_CHECKING:
    # Only an annotation: payments declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis

MAX_ATTEMPTS = 5
WINDOW_SECONDS = 15 * 60


class TooManyPasswordAttempts(TooManyRequests):
    code = "too_many_password_attempts"


def _limit(user_id: uuid.UUID) -> throttle.Limit:
    return throttle.Limit("payout-password", str(user_id), MAX_ATTEMPTS, WINDOW_SECONDS)


async def count_attempt(redis: Redis, user_id: uuid.UUID) -> None:
    """Count one attempt; 429 (with Retry-After) once the window's allowance is used up."""
    wait = await throttle.hit(redis, [_limit(user_id)])
    if wait is not None:
        raise TooManyPasswordAttempts(
            "Too many password attempts; try again later.",
            headers={"Retry-After": str(wait)},
        )


async def clear(redis: Redis, user_id: uuid.UUID) -> None:
    await throttle.forgive(redis, clear=[_limit(user_id)])
