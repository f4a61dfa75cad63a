"""Account rules. Flushes, never commits: the request boundary commits."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.accounts import repository
from pickey_api.accounts.schemas import SignUp
from pickey_api.auth.password_policy import check_new_password
from pickey_api.auth.service import send_account_email
from pickey_api.auth.tokens import AccountTokens, TokenPurpose
from pickey_core.errors import Conflict
from pickey_core.models import User
from pickey_core.queue.contracts import SendWelcome
from pickey_core.queue.outbox import enqueue
from pickey_core.security.passwords import hash_password


class EmailTaken(Conflict):
    code = "email_taken"


async def sign_up(session: AsyncSession, tokens: AccountTokens, data: SignUp) -> User:
    """Create the account and, in the same transaction, the welcome and verification jobs."""
    check_new_password(data.password, email=data.email, field="password")
    if await repository.email_taken(session, data.email):
        raise EmailTaken("An account with this email already exists.")
    user = User(
        email=data.email,
        password_hash=await hash_password(data.password),
        display_name=data.display_name,
        locale=data.locale,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent sign-up won the race for this email
        raise EmailTaken("An account with this email already exists.") from error
    enqueue(session, SendWelcome(user_id=user.id))
    await send_account_email(session, tokens, user, TokenPurpose.VERIFY_EMAIL)
    return user
