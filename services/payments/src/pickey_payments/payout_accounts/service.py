"""Set where a creator's payouts go.

A new row each time (history is kept for the accountant and for disputes; the newest wins).
It asks for the password again (a stolen session must not redirect a creator's money; attempts
are limited, :mod:`pickey_payments.payout_accounts.password_attempts`) and the
creator is emailed about every change through the outbox, in the same transaction.

Assumptions: the holder name is stored as typed (trimmed; the bank order transliterates it);
setting the same account again is still a change (a new row and an email), which is what a
creator re-confirming their details expects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import BadRequest, ErrorDetail, InvalidInput, NotFound
from pickey_core.models import Creator, PayoutAccount, User
from pickey_core.queue.contracts import PayoutAccountChanged
from pickey_core.queue.outbox import enqueue
from pickey_core.security.passwords import verify_password
from pickey_payments.payout_accounts import password_attempts, repository
from pickey_payments.payout_accounts.bank_accounts import InvalidBankAccount, to_iban
from pickey_payments.payout_accounts.schemas import PayoutAccountUpdate

if TYPE_CHECKING:
    # Only an annotation: payments declares no Redis client of its own (pickey_core does).
    from redis.asyncio import Redis


class WrongPassword(BadRequest):
    code = "wrong_password"


class BankAccountInvalid(InvalidInput):
    code = "invalid_bank_account"


class NoPayoutAccount(NotFound):
    code = "payout_account_not_set"


SET_ERRORS = (WrongPassword, BankAccountInvalid, password_attempts.TooManyPasswordAttempts)


async def current(session: AsyncSession, creator: Creator) -> PayoutAccount:
    account = await repository.current(session, creator.id)
    if account is None:
        raise NoPayoutAccount("No payout account is set yet.")
    return account


async def set_account(
    session: AsyncSession,
    redis: Redis,
    user: User,
    creator: Creator,
    data: PayoutAccountUpdate,
) -> PayoutAccount:
    holder = " ".join(data.holder_name.split())
    if not holder:
        raise BankAccountInvalid(
            "The account holder is empty.",
            details=[ErrorDetail(loc=["body", "holder_name"], message="empty", type="empty")],
        )
    try:
        iban = to_iban(data.account)
    except InvalidBankAccount as error:
        raise BankAccountInvalid(
            str(error),
            details=[ErrorDetail(loc=["body", "account"], message=str(error), type="bank_account")],
        ) from error
    await password_attempts.count_attempt(redis, user.id)
    if not await verify_password(user.password_hash, data.password):
        raise WrongPassword("The current password is not right.")
    await password_attempts.clear(redis, user.id)
    account = PayoutAccount(creator_id=creator.id, iban=str(iban), holder_name=holder)
    session.add(account)
    await session.flush()
    enqueue(session, PayoutAccountChanged(payout_account_id=account.id))
    await session.refresh(account)
    return account
