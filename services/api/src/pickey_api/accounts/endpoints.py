"""``/api/v1/accounts``: thin routes over :mod:`pickey_api.accounts.service`."""

from __future__ import annotations

from fastapi import APIRouter, status

from pickey_api.accounts import service
from pickey_api.accounts.schemas import SignUp, UserRead
from pickey_core.errors import UnsupportedMediaType, error_responses
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
    user = await service.sign_up(session, data)
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=user.locale,
        email_verified=user.email_verified_at is not None,
        created_at=user.created_at,
    )
