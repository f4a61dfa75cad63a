"""``/api/v1/auth``: log in, log out, the current session."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from pickey_api.accounts.schemas import UserRead
from pickey_api.auth import service
from pickey_api.auth.schemas import LogIn, SessionRead
from pickey_core.errors import NotAuthenticated, NotPermitted, error_responses
from pickey_core.http.auth import (
    RequiredAuth,
    SessionStoreDep,
    clear_session_cookies,
    set_session_cookies,
)
from pickey_core.http.dependencies import SessionDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=SessionRead,
    responses=error_responses(service.InvalidCredentials),
    summary="Log in (sets the session cookie)",
)
async def log_in(
    data: LogIn, response: Response, db: SessionDep, store: SessionStoreDep
) -> SessionRead:
    user = await service.authenticate(db, data.email, data.password)
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
