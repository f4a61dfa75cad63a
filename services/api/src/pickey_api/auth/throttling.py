"""Limits on password guessing and on account emails, counted in Redis (shared by every replica).

Each limit is a fixed window: the first hit creates a counter that expires ``window`` seconds
later; ``Retry-After`` is what is left of it. Subjects are hashed (no email addresses in Redis).

Password attempts are counted *before* the password is checked and forgiven after a success, so
parallel guesses cannot slip past the limit while the (slow) hash is being verified, and a
successful login does not use up an address shared by many people. Attempts are counted for
unknown emails exactly as for real ones: a throttled answer says nothing about whether an
account exists, and neither does its timing (the check comes before any database read).

The client address is the one uvicorn reports: behind a proxy it is the forwarded address only
when the proxy is trusted (``--forwarded-allow-ips``); otherwise every client shares the proxy's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pickey_api.auth.config import AuthConfig
from pickey_core.errors import PickeyError, TooManyRequests, error_responses

if TYPE_CHECKING:
    # Only an annotation: the api declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis

_KEY = "pickey:throttle:{name}:{digest}"
# Take one hit back, unless the window ended meanwhile (a bare DECR would then create a counter
# at -1 that never expires).
_FORGIVE_ONE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class TooManyLoginAttempts(TooManyRequests):
    code = "too_many_login_attempts"


class TooManyAccountEmails(TooManyRequests):
    code = "too_many_account_emails"


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


@dataclass(frozen=True)
class _Limit:
    name: str
    subject: str
    max_hits: int
    window_seconds: int

    @property
    def key(self) -> str:
        digest = hashlib.sha256(self.subject.strip().lower().encode()).hexdigest()
        return _KEY.format(name=self.name, digest=digest)


async def _hit(redis: Redis, limits: list[_Limit]) -> int | None:
    """Count one hit on every limit; seconds until the most distant reset among those now
    exceeded, or None when none is."""
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


class Throttle:
    """The api's limits, over the process's Redis and the configured numbers."""

    def __init__(self, redis: Redis, config: AuthConfig) -> None:
        self._redis = redis
        self._config = config

    def _login_limits(self, email: str, address: str) -> tuple[_Limit, _Limit]:
        config = self._config
        window = config.login_window_seconds
        return (
            _Limit("login-account", email, config.login_attempts_per_account, window),
            _Limit("login-ip", address, config.login_attempts_per_ip, window),
        )

    async def password_attempt(self, email: str, address: str) -> None:
        """Count a password attempt for this account and address, or refuse it (429)."""
        wait = await _hit(self._redis, list(self._login_limits(email, address)))
        if wait is not None:
            raise TooManyLoginAttempts(
                "Too many login attempts. Try again later.",
                headers={"Retry-After": str(wait)},
            )

    async def password_accepted(self, email: str, address: str) -> None:
        """The right password: clear the account's count and take this attempt off the address."""
        account, ip = self._login_limits(email, address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(account.key)
            pipe.eval(_FORGIVE_ONE, 1, ip.key)
            await pipe.execute()

    async def clear_account(self, email: str) -> None:
        """Forget an account's failed attempts (its owner just proved control of the mailbox)."""
        account, _ = self._login_limits(email, "")
        await self._redis.delete(account.key)

    async def account_email(self, email: str, address: str) -> None:
        """Count a request to email this address a link, or refuse it (429). Counted whether
        or not an account has this email, so a refusal reveals nothing."""
        config = self._config
        window = config.account_emails_window_seconds
        wait = await _hit(
            self._redis,
            [
                _Limit("account-email-to", email, config.account_emails_per_address, window),
                _Limit("account-email-ip", address, config.account_emails_per_ip, window),
            ],
        )
        if wait is not None:
            raise TooManyAccountEmails(
                "Too many emails requested. Try again later.",
                headers={"Retry-After": str(wait)},
            )
