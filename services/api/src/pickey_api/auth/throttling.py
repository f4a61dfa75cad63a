"""Limits on password guessing and on account emails: the api's uses of
:mod:`pickey_core.throttle` (fixed windows in Redis, subjects hashed, shared by every replica).

Password attempts are counted *before* the password is checked and forgiven after a success, so
parallel guesses cannot slip past the limit while the (slow) hash is being verified, and a
successful login does not use up an address shared by many people. Attempts are counted for
unknown emails exactly as for real ones: a throttled answer says nothing about whether an
account exists, and neither does its timing (the check comes before any database read).

The client address is the one uvicorn reports: behind a proxy it is the forwarded address only
when the proxy is trusted (``--forwarded-allow-ips``); otherwise every client shares the proxy's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pickey_api.auth.config import AuthConfig
from pickey_core.errors import TooManyRequests
from pickey_core.throttle import Limit, forgive, hit

if TYPE_CHECKING:
    # Only an annotation: the api declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis


class TooManyLoginAttempts(TooManyRequests):
    code = "too_many_login_attempts"


class TooManyAccountEmails(TooManyRequests):
    code = "too_many_account_emails"


class Throttle:
    """The api's limits, over the process's Redis and the configured numbers."""

    def __init__(self, redis: Redis, config: AuthConfig) -> None:
        self._redis = redis
        self._config = config

    def _login_limits(self, email: str, address: str) -> tuple[Limit, Limit]:
        config = self._config
        window = config.login_window_seconds
        return (
            Limit("login-account", email, config.login_attempts_per_account, window),
            Limit("login-ip", address, config.login_attempts_per_ip, window),
        )

    async def password_attempt(self, email: str, address: str) -> None:
        """Count a password attempt for this account and address, or refuse it (429)."""
        wait = await hit(self._redis, self._login_limits(email, address))
        if wait is not None:
            raise TooManyLoginAttempts(
                "Too many login attempts. Try again later.",
                headers={"Retry-After": str(wait)},
            )

    async def password_accepted(self, email: str, address: str) -> None:
        """The right password: clear the account's count and take this attempt off the address."""
        account, ip = self._login_limits(email, address)
        await forgive(self._redis, clear=[account], forgive=[ip])

    async def clear_account(self, email: str) -> None:
        """Forget an account's failed attempts (its owner just proved control of the mailbox)."""
        account, _ = self._login_limits(email, "")
        await self._redis.delete(account.key)

    async def account_email(self, email: str, address: str) -> None:
        """Count a request to email this address a link, or refuse it (429). Counted whether
        or not an account has this email, so a refusal reveals nothing."""
        config = self._config
        window = config.account_emails_window_seconds
        wait = await hit(
            self._redis,
            [
                Limit("account-email-to", email, config.account_emails_per_address, window),
                Limit("account-email-ip", address, config.account_emails_per_ip, window),
            ],
        )
        if wait is not None:
            raise TooManyAccountEmails(
                "Too many emails requested. Try again later.",
                headers={"Retry-After": str(wait)},
            )
