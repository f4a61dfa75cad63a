"""``/api/v1/accounts``: thin routes over :mod:`pickey_api.accounts.service`."""

from __future__ import annotations

from fastapi import APIRouter, status

from pickey_api.accounts import service
from pickey_api.accounts.schemas import SignUp, UserRead
from pickey_core.errors import NotAuthenticated, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(service.EmailTaken, UnsupportedMediaType),
    summary="Sign up",
)
async def sign_up(data: SignUp, session: SessionDep) -> UserRead:
    return UserRead.from_user(await service.sign_up(session, data))


@router.get(
    "/me",
    response_model=UserRead,
    responses=error_responses(NotAuthenticated),
    summary="The logged-in user's account",
)
async def me(user: CurrentUser) -> UserRead:
    return UserRead.from_user(user)
