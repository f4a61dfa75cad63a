"""``/api/v1/accounts``: thin routes over :mod:`pickey_api.accounts.service`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from pickey_api.accounts import service
from pickey_api.accounts.deletion import CreatorHasMembers, delete_account
from pickey_api.accounts.export import AccountExport, export_account
from pickey_api.accounts.password_policy import WeakPassword
from pickey_api.accounts.schemas import AccountDeletion, SignUp, UserRead
from pickey_api.auth.dependencies import AccountTokensDep, ClientAddress, ThrottleDep
from pickey_api.auth.service import WrongPassword
from pickey_api.auth.throttling import TooManyLoginAttempts, throttled_responses
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import CurrentUser, SessionStoreDep, clear_session_cookies
from pickey_core.http.dependencies import ResourcesDep, SessionDep

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(service.EmailTaken, WeakPassword, UnsupportedMediaType),
    summary="Sign up (sends a welcome and an email-verification email)",
)
async def sign_up(data: SignUp, session: SessionDep, tokens: AccountTokensDep) -> UserRead:
    return UserRead.from_user(await service.sign_up(session, tokens, data))


@router.get(
    "/me",
    response_model=UserRead,
    responses=error_responses(NotAuthenticated),
    summary="The logged-in user's account",
)
async def me(user: CurrentUser) -> UserRead:
    return UserRead.from_user(user)


@router.get(
    "/me/export",
    response_model=AccountExport,
    responses=error_responses(NotAuthenticated),
    summary="Everything stored about the logged-in user, as JSON (GDPR data export)",
)
async def export_me(user: CurrentUser, session: SessionDep, response: Response) -> AccountExport:
    response.headers["Content-Disposition"] = 'attachment; filename="pickey-export.json"'
    response.headers["Cache-Control"] = "no-store"
    return await export_account(session, user)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=throttled_responses(
        NotAuthenticated, NotPermitted, WrongPassword, CreatorHasMembers, TooManyLoginAttempts
    ),
    summary="Delete the logged-in user's account (anonymised; payment history kept)",
)
async def delete_me(
    data: AccountDeletion,
    user: CurrentUser,
    response: Response,
    session: SessionDep,
    store: SessionStoreDep,
    tokens: AccountTokensDep,
    throttle: ThrottleDep,
    address: ClientAddress,
    resources: ResourcesDep,
) -> None:
    await delete_account(
        session,
        store,
        tokens,
        throttle,
        user,
        data.password,
        address,
        redis=resources.redis,
        hash_key=resources.settings.suppression_hash_key,
    )
    clear_session_cookies(response, store.config)
