"""``/api/v1/auth``: log in and out, the current session, passwords, email verification."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from pickey_api.auth import service
from pickey_api.auth.dependencies import AccountTokensDep, ClientAddress, ThrottleDep
from pickey_api.auth.password_policy import PasswordUnchanged, WeakPassword
from pickey_api.auth.schemas import (
    Accepted,
    EmailVerificationConfirm,
    LogIn,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    SessionRead,
    UserRead,
)
from pickey_api.auth.throttling import TooManyAccountEmails, TooManyLoginAttempts
from pickey_core.errors import NotAuthenticated, NotPermitted, error_responses
from pickey_core.http.auth import (
    RequiredAuth,
    SessionStoreDep,
    clear_session_cookies,
    set_session_cookies,
)
from pickey_core.http.dependencies import SessionDep
from pickey_core.throttle import throttled_responses

router = APIRouter(prefix="/auth", tags=["auth"])

RESET_REQUESTED = Accepted(
    message="If an account uses this address, we have sent it a link to reset the password."
)
VERIFICATION_SENT = Accepted(message="We have sent a new verification link to your address.")


@router.post(
    "/login",
    response_model=SessionRead,
    responses=throttled_responses(service.InvalidCredentials, TooManyLoginAttempts),
    summary="Log in (sets the session cookie)",
)
async def log_in(
    data: LogIn,
    response: Response,
    db: SessionDep,
    store: SessionStoreDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> SessionRead:
    user = await service.log_in(db, throttle, data.email, data.password, address)
    # Always a new session id at login (no session fixation).
    session_id, session = await store.create(user.id)
    set_session_cookies(response, store.config, session_id, session)
    return SessionRead(user=UserRead.from_user(user), csrf_token=session.csrf_token)


@router.get(
    "/session",
    response_model=SessionRead,
    responses=error_responses(NotAuthenticated),
    summary="The current session",
)
async def current_session(auth: RequiredAuth) -> SessionRead:
    return SessionRead(user=UserRead.from_user(auth.user), csrf_token=auth.session.csrf_token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted),
    summary="Log out (ends this session on the server)",
)
async def log_out(auth: RequiredAuth, store: SessionStoreDep, response: Response) -> None:
    await store.delete(auth.session_id)
    clear_session_cookies(response, store.config)


@router.post(
    "/password",
    response_model=SessionRead,
    responses=throttled_responses(
        service.WrongPassword,
        NotAuthenticated,
        NotPermitted,
        WeakPassword,
        PasswordUnchanged,
        TooManyLoginAttempts,
    ),
    summary="Change the password (ends every other session; this one gets a new id)",
)
async def change_password(
    data: PasswordChange,
    auth: RequiredAuth,
    response: Response,
    db: SessionDep,
    store: SessionStoreDep,
    tokens: AccountTokensDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> SessionRead:
    session_id, session = await service.change_password(
        db, store, tokens, throttle, auth.user, data, address
    )
    set_session_cookies(response, store.config, session_id, session)
    return SessionRead(user=UserRead.from_user(auth.user), csrf_token=session.csrf_token)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=throttled_responses(TooManyAccountEmails),
    summary="Email a password-reset link (the same answer whether or not the account exists)",
)
async def request_password_reset(
    data: PasswordResetRequest,
    db: SessionDep,
    tokens: AccountTokensDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> Accepted:
    await service.request_password_reset(db, tokens, throttle, data.email, address)
    return RESET_REQUESTED


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(service.InvalidResetToken, WeakPassword),
    summary="Set a new password with the emailed token (ends every session)",
)
async def reset_password(
    data: PasswordResetConfirm,
    response: Response,
    db: SessionDep,
    store: SessionStoreDep,
    tokens: AccountTokensDep,
    throttle: ThrottleDep,
) -> None:
    await service.reset_password(db, store, tokens, throttle, data)
    clear_session_cookies(response, store.config)


@router.post(
    "/email-verification",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=throttled_responses(
        NotAuthenticated, NotPermitted, service.EmailAlreadyVerified, TooManyAccountEmails
    ),
    summary="Send the logged-in user a new email-verification link",
)
async def resend_verification(
    auth: RequiredAuth,
    db: SessionDep,
    tokens: AccountTokensDep,
    throttle: ThrottleDep,
    address: ClientAddress,
) -> Accepted:
    await service.resend_verification(db, tokens, throttle, auth.user, address)
    return VERIFICATION_SENT


@router.post(
    "/email-verification/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(service.InvalidVerificationToken),
    summary="Verify the email address with the emailed token",
)
async def verify_email(
    data: EmailVerificationConfirm, db: SessionDep, tokens: AccountTokensDep
) -> None:
    await service.verify_email(db, tokens, data.token)
