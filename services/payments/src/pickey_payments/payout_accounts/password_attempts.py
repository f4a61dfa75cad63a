"""A limit on password confirmations for payout-account changes, counted per user in Redis.

A stolen session cookie must not become a way to guess the password through this endpoint:
at most ``MAX_ATTEMPTS`` confirmations per user in a ``WINDOW_SECONDS`` fixed window; each
attempt is counted *before* the (slow) hash check, so parallel guesses cannot slip past, and a
right password clears the counter. The api has its own login/password-change throttle
(``pickey_api.auth.throttling``); the two should become one helper in pickey_core (named in the
issue-11 report), which is not done here to keep this change inside payments.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from pickey_core.errors import TooManyRequests

if TYPE_CHECKING:
    # Only an annotation: payments declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis

MAX_ATTEMPTS = 5
WINDOW_SECONDS = 15 * 60
_KEY = "pickey:throttle:payout_password:{user_id}"


class TooManyPasswordAttempts(TooManyRequests):
    code = "too_many_password_attempts"


async def count_attempt(redis: Redis, user_id: uuid.UUID) -> None:
    """Count one attempt; 429 (with Retry-After) once the window's allowance is used up."""
    key = _KEY.format(user_id=user_id)
    attempts = int(await redis.incr(key))
    if attempts == 1:
        await redis.expire(key, WINDOW_SECONDS)
    if attempts > MAX_ATTEMPTS:
        left = int(await redis.ttl(key))
        raise TooManyPasswordAttempts(
            "Too many password attempts; try again later.",
            headers={"Retry-After": str(max(1, left))},
        )


async def clear(redis: Redis, user_id: uuid.UUID) -> None:
    await redis.delete(_KEY.format(user_id=user_id))
