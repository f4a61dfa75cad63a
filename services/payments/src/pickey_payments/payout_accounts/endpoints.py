"""The creator's payout account: read it, set a new one (password asked again)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends

from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator, VerifiedCreator
from pickey_core.http.dependencies import ResourcesDep, SessionDep
from pickey_payments.payout_accounts import service
from pickey_payments.payout_accounts.schemas import PayoutAccountRead, PayoutAccountUpdate

router = APIRouter(tags=["payouts"], dependencies=[Depends(require_json)])


@router.get(
    "/creator/payout-account",
    response_model=PayoutAccountRead,
    responses=error_responses(NotAuthenticated, NotACreator, service.NoPayoutAccount),
    summary="Where your payouts go",
)
async def read_payout_account(creator: CurrentCreator, session: SessionDep) -> PayoutAccountRead:
    return PayoutAccountRead.of(await service.current(session, creator))


@router.put(
    "/creator/payout-account",
    response_model=PayoutAccountRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        NotACreator,
        EmailNotVerified,
        UnsupportedMediaType,
        *service.SET_ERRORS,
    ),
    summary="Set where your payouts go (IBAN or Czech account; needs your password)",
)
async def set_payout_account(
    data: PayoutAccountUpdate = Body(),
    *,
    user: VerifiedUser,
    creator: VerifiedCreator,
    session: SessionDep,
    resources: ResourcesDep,
) -> PayoutAccountRead:
    account = await service.set_account(session, resources.redis, user, creator, data)
    return PayoutAccountRead.of(account)
