"""Fixed-window limits counted in Redis (shared by every replica): the one throttle of every
service (the api's login and account-email limits, payments' payout-password confirmations).

Each limit is a fixed window: the first hit creates a counter that expires ``window_seconds``
later; ``Retry-After`` is what is left of it. Subjects are hashed (no email addresses or other
personal data in Redis). Callers that guard a password count the attempt *before* the (slow)
hash check, so parallel guesses cannot slip past the limit while it runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pickey_core.errors import PickeyError, TooManyRequests, error_responses

if TYPE_CHECKING:
    from redis.asyncio import Redis

_KEY = "pickey:throttle:{name}:{digest}"
# Take one hit back, unless the window ended meanwhile (a bare DECR would then create a counter
# at -1 that never expires).
_FORGIVE_ONE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Limit:
    """At most ``max_hits`` per ``window_seconds`` for one ``subject`` of the limit ``name``."""

    name: str
    subject: str
    max_hits: int
    window_seconds: int

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.subject.strip().lower().encode()).hexdigest()
        return _KEY.format(name=self.name, digest=digest)


async def hit(redis: Redis, limits: Sequence[Limit]) -> int | None:
    """Count one hit on every limit; seconds until the most distant reset among those now
    exceeded (at least 1: the ``Retry-After``), or None when none is."""
    async with redis.pipeline(transaction=True) as pipe:
        for limit in limits:
            pipe.set(limit.key, 0, ex=limit.window_seconds, nx=True)
            pipe.incr(limit.key)
            pipe.ttl(limit.key)
        replies = await pipe.execute()
    counts, ttls = replies[1::3], replies[2::3]
    waits = [
        max(int(ttl), 1)
        for limit, count, ttl in zip(limits, counts, ttls, strict=True)
        if int(count) > limit.max_hits
    ]
    return max(waits) if waits else None


async def forgive(
    redis: Redis, *, clear: Sequence[Limit] = (), forgive: Sequence[Limit] = ()
) -> None:
    """After a success: forget the ``clear`` limits' counts and take one hit off ``forgive``'s
    (an address shared by many people is not used up by their successful logins)."""
    async with redis.pipeline(transaction=True) as pipe:
        for limit in clear:
            pipe.delete(limit.key)
        for limit in forgive:
            pipe.eval(_FORGIVE_ONE, 1, limit.key)
        await pipe.execute()


def throttled_responses(*errors: type[PickeyError]) -> dict[int | str, dict[str, Any]]:
    """``error_responses`` for a throttled route, with the 429's Retry-After header documented."""
    responses = error_responses(*errors)
    responses[TooManyRequests.status_code]["headers"] = {
        "Retry-After": {
            "description": "Seconds until the limit resets.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
    return responses
