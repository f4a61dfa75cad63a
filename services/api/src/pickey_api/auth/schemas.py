"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from pickey_api.accounts.schemas import PASSWORD_MAX_LENGTH, UserRead


class LogIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    # No minimum here: an old short password must still be able to log in and be changed.
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


class SessionRead(BaseModel):
    """The logged-in user and the CSRF token to send as ``X-CSRF-Token`` on writes."""

    user: UserRead
    csrf_token: str
