"""Credentials: log in, passwords, one-time links by email. Flushes, never commits.

Redis effects (sessions ended, tokens used) happen during the request, before the database
commits. If the commit then fails, the user may have to log in again or ask for a new link;
they never keep access that should have ended.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.auth.password_policy import PasswordUnchanged, check_new_password
from pickey_api.auth.schemas import PasswordChange, PasswordResetConfirm
from pickey_api.auth.throttling import Throttle
from pickey_api.auth.tokens import AccountTokens, TokenPurpose
from pickey_core.errors import BadRequest, Conflict, NotAuthenticated
from pickey_core.models import User
from pickey_core.queue.contracts import SendAccountEmail
from pickey_core.queue.outbox import enqueue
from pickey_core.security.passwords import hash_password, needs_rehash, verify_password
from pickey_core.sessions import Session, SessionStore

# Verified against when the email is unknown, so both answers take as long (no enumeration by
# timing). Made once, lazily.
_dummy_hash: str | None = None


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class WrongPassword(BadRequest):
    code = "wrong_password"


class InvalidResetToken(BadRequest):
    code = "invalid_reset_token"


class InvalidVerificationToken(BadRequest):
    code = "invalid_verification_token"


class EmailAlreadyVerified(Conflict):
    code = "email_already_verified"


async def _active_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(
        select(User).where(func.lower(User.email) == email.lower(), User.deleted_at.is_(None))
    )


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """The active user with these credentials; the same error whatever was wrong."""
    global _dummy_hash
    user = await _active_user_by_email(session, email)
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


async def log_in(
    session: AsyncSession, throttle: Throttle, email: str, password: str, address: str
) -> User:
    """:func:`authenticate`, within the per-account and per-address attempt limits."""
    await throttle.password_attempt(email, address)
    user = await authenticate(session, email, password)
    await throttle.password_accepted(email, address)
    return user


async def confirm_password(throttle: Throttle, user: User, password: str, address: str) -> None:
    """Check a logged-in user's password before a sensitive change. Counted like a login
    attempt: a stolen session cookie must not become a way to guess the password."""
    await throttle.password_attempt(user.email, address)
    if not await verify_password(user.password_hash, password):
        raise WrongPassword("The current password is not right.")
    await throttle.password_accepted(user.email, address)


async def _set_password(session: AsyncSession, user: User, password: str) -> None:
    user.password_hash = await hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    await session.flush()


async def change_password(
    session: AsyncSession,
    store: SessionStore,
    tokens: AccountTokens,
    throttle: Throttle,
    user: User,
    data: PasswordChange,
    address: str,
) -> tuple[str, Session]:
    """Set a new password; every session of the user ends and the caller gets a new one (its
    id for the cookie and the session). Outstanding reset links die too."""
    await confirm_password(throttle, user, data.current_password, address)
    if data.new_password == data.current_password:
        raise PasswordUnchanged("The new password is the same as the current one.")
    check_new_password(data.new_password, email=user.email, field="new_password")
    await _set_password(session, user, data.new_password)
    await tokens.revoke_all(TokenPurpose.PASSWORD_RESET, user.id)
    await store.delete_all(user.id)
    return await store.create(user.id)


async def send_account_email(
    session: AsyncSession, tokens: AccountTokens, user: User, purpose: TokenPurpose
) -> None:
    """Issue a one-time token and, in this transaction, the job that emails its link."""
    token = await tokens.issue(purpose, user.id, user.email)
    enqueue(session, SendAccountEmail(user_id=user.id, purpose=purpose.value, token=token))


async def request_password_reset(
    session: AsyncSession, tokens: AccountTokens, throttle: Throttle, email: str, address: str
) -> None:
    """Email a reset link if an active account has this email. The caller answers the same
    either way; counted against the limits either way. (A real account costs one Redis write
    and one outbox row more: milliseconds, not the tell-tale of a password hash.)"""
    await throttle.account_email(email, address)
    user = await _active_user_by_email(session, email)
    if user is not None:
        await send_account_email(session, tokens, user, TokenPurpose.PASSWORD_RESET)


async def reset_password(
    session: AsyncSession,
    store: SessionStore,
    tokens: AccountTokens,
    throttle: Throttle,
    data: PasswordResetConfirm,
) -> None:
    """Set a new password with an emailed token. Every session ends, every other reset link
    dies, and the address counts as verified (the link reached its mailbox).

    The token is looked at first and used only once the new password is acceptable: a refused
    password leaves the link working for another try.
    """
    invalid = InvalidResetToken("This reset link is not valid. It may have expired or been used.")
    claim = await tokens.peek(TokenPurpose.PASSWORD_RESET, data.token)
    user = await session.get(User, claim.user_id) if claim is not None else None
    if claim is None or user is None or user.deleted_at is not None or user.email != claim.email:
        raise invalid
    check_new_password(data.new_password, email=user.email, field="new_password")
    if await tokens.consume(TokenPurpose.PASSWORD_RESET, data.token) is None:
        raise invalid  # used by a concurrent request meanwhile
    await _set_password(session, user, data.new_password)
    if user.email_verified_at is None:
        user.email_verified_at = datetime.now(UTC)
        await session.flush()
    await tokens.revoke_all(TokenPurpose.PASSWORD_RESET, user.id)
    await store.delete_all(user.id)
    await throttle.clear_account(user.email)


async def resend_verification(
    session: AsyncSession, tokens: AccountTokens, throttle: Throttle, user: User, address: str
) -> None:
    if user.email_verified_at is not None:
        raise EmailAlreadyVerified("This email address is already verified.")
    await throttle.account_email(user.email, address)
    await send_account_email(session, tokens, user, TokenPurpose.VERIFY_EMAIL)


async def verify_email(session: AsyncSession, tokens: AccountTokens, token: str) -> User:
    """Mark the address verified with an emailed token (no login needed: the link may be opened
    on another device). Using a link of an address already verified is harmless."""
    claim = await tokens.consume(TokenPurpose.VERIFY_EMAIL, token)
    user = await session.get(User, claim.user_id) if claim is not None else None
    if claim is None or user is None or user.deleted_at is not None or user.email != claim.email:
        raise InvalidVerificationToken(
            "This verification link is not valid. It may have expired or been used."
        )
    if user.email_verified_at is None:
        user.email_verified_at = datetime.now(UTC)
        await session.flush()
    return user
