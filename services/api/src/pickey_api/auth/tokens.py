"""One-time tokens for emailed links: verify an email address, reset a password.

A token is 32 random bytes (URL-safe text) handed out once, in the email. Redis keeps only its
SHA-256, with the account it was issued for, until it expires; using it deletes it in the same
command (GETDEL), so two concurrent uses cannot both succeed. Each account's outstanding tokens
are also listed per purpose so that a password change can make every reset link die at once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pickey_api.auth.config import AuthConfig

if TYPE_CHECKING:
    # Only an annotation: the api declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis

_KEY = "pickey:account-token:{purpose}:{digest}"
_USER_KEY = "pickey:account-tokens:{purpose}:{user_id}"
# Anything longer is not one of ours; refused before hashing.
MAX_TOKEN_LENGTH = 128


class TokenPurpose(StrEnum):
    """The values match ``SendAccountEmail.purpose``."""

    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a secret)


@dataclass(frozen=True)
class TokenClaim:
    """Whom a used token was issued to, and for which address (an email change voids it)."""

    user_id: uuid.UUID
    email: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _load(raw: bytes) -> TokenClaim:
    data = json.loads(raw)
    return TokenClaim(user_id=uuid.UUID(data["user_id"]), email=data["email"])


class AccountTokens:
    def __init__(self, redis: Redis, config: AuthConfig) -> None:
        self._redis = redis
        self._config = config

    def _lifetime(self, purpose: TokenPurpose) -> int:
        if purpose is TokenPurpose.PASSWORD_RESET:
            return self._config.password_reset_token_seconds
        return self._config.email_verification_token_seconds

    async def issue(self, purpose: TokenPurpose, user_id: uuid.UUID, email: str) -> str:
        """A new token for this account; returns the raw token (for the email only)."""
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        lifetime = self._lifetime(purpose)
        user_key = _USER_KEY.format(purpose=purpose.value, user_id=user_id)
        claim = json.dumps({"user_id": str(user_id), "email": email})
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(_KEY.format(purpose=purpose.value, digest=digest), claim, ex=lifetime)
            pipe.sadd(user_key, digest)
            pipe.expire(user_key, lifetime)
            await pipe.execute()
        return token

    async def peek(self, purpose: TokenPurpose, token: str) -> TokenClaim | None:
        """The claim of a live token, leaving it usable (to check a request before using it)."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        raw = await self._redis.get(_KEY.format(purpose=purpose.value, digest=_digest(token)))
        return _load(raw) if raw is not None else None

    async def consume(self, purpose: TokenPurpose, token: str) -> TokenClaim | None:
        """The claim of a live token, which stops working now; None if unknown, expired or
        used (also when another request used it a moment ago)."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        digest = _digest(token)
        raw = await self._redis.getdel(_KEY.format(purpose=purpose.value, digest=digest))
        if raw is None:
            return None
        claim = _load(raw)
        user_key = _USER_KEY.format(purpose=purpose.value, user_id=claim.user_id)
        await self._redis.srem(user_key, digest)  # type: ignore[misc]
        return claim

    async def revoke_all(self, purpose: TokenPurpose, user_id: uuid.UUID) -> None:
        """Every outstanding token of this purpose for this account stops working."""
        user_key = _USER_KEY.format(purpose=purpose.value, user_id=user_id)
        members = await self._redis.smembers(user_key)  # type: ignore[misc]
        keys = [_KEY.format(purpose=purpose.value, digest=digest.decode()) for digest in members]
        await self._redis.delete(user_key, *keys)
