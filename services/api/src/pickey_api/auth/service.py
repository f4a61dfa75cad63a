"""Log in and out. Flushes, never commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import NotAuthenticated
from pickey_core.models import User
from pickey_core.security.passwords import hash_password, needs_rehash, verify_password

# Verified against when the email is unknown, so both answers take as long (no enumeration by
# timing). Made once, lazily.
_dummy_hash: str | None = None


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """The active user with these credentials; the same error whatever was wrong."""
    global _dummy_hash
    user = await session.scalar(
        select(User).where(func.lower(User.email) == email.lower(), User.deleted_at.is_(None))
    )
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = await hash_password("pickey-dummy-password")
        await verify_password(_dummy_hash, password)
        raise InvalidCredentials("Wrong email or password.")
    if not await verify_password(user.password_hash, password):
        raise InvalidCredentials("Wrong email or password.")
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await session.flush()
    return user
