"""``/api/v1/accounts``: thin routes over :mod:`pickey_api.accounts.service`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from pickey_api.accounts import service
from pickey_api.accounts.deletion import CreatorHasMembers, delete_account
from pickey_api.accounts.export import AccountExport, export_account
from pickey_api.accounts.schemas import AccountDeletion, EmailSharing, SignUp
from pickey_api.auth.dependencies import AccountTokensDep, ClientAddress, ThrottleDep
from pickey_api.auth.password_policy import WeakPassword
from pickey_api.auth.schemas import SessionRead, UserRead
from pickey_api.auth.service import WrongPassword
from pickey_api.auth.throttling import TooManyLoginAttempts
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import (
    CurrentUser,
    SessionStoreDep,
    clear_session_cookies,
    set_session_cookies,
)
from pickey_core.http.dependencies import ResourcesDep, SessionDep
from pickey_core.throttle import throttled_responses

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionRead,
    responses=error_responses(service.EmailTaken, WeakPassword, UnsupportedMediaType),
    summary="Sign up and start a session (sets the session cookie, as log-in does; sends a "
    "welcome and an email-verification email)",
)
async def sign_up(
    data: SignUp,
    response: Response,
    session: SessionDep,
    tokens: AccountTokensDep,
    store: SessionStoreDep,
) -> SessionRead:
    """Like Patreon or Polar, a new account is logged in at once: the person goes on to become a
    creator or to pay without typing the password again (paying and creating wait for the
    verified email). The session is stored before the account's transaction commits; if that
    commit fails the request answers an error and the orphan session names no user, so it
    authenticates nobody and expires."""
    user = await service.sign_up(session, tokens, data)
    session_id, stored = await store.create(user.id)
    set_session_cookies(response, store.config, session_id, stored)
    return SessionRead(user=UserRead.from_user(user), csrf_token=stored.csrf_token)


@router.get(
    "/me",
    response_model=UserRead,
    responses=error_responses(NotAuthenticated),
    summary="The logged-in user's account",
)
async def me(user: CurrentUser) -> UserRead:
    return UserRead.from_user(user)


@router.put(
    "/me/email-sharing",
    response_model=UserRead,
    responses=error_responses(NotAuthenticated, UnsupportedMediaType),
    summary="Share (or stop sharing) your email address with the creators you support",
)
async def set_email_sharing(data: EmailSharing, user: CurrentUser, session: SessionDep) -> UserRead:
    user.share_email_with_creators = data.share_email_with_creators
    await session.flush()
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
