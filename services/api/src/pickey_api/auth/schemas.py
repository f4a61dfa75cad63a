"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from pickey_api.auth.password_policy import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from pickey_api.auth.tokens import MAX_TOKEN_LENGTH
from pickey_core.models import User


class LogIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    # No minimum here: an old short password must still be able to log in and be changed.
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    locale: str
    email_verified: bool
    share_email_with_creators: bool = Field(
        description="Creators you support see your email address in their members list."
    )
    created_at: datetime

    @classmethod
    def from_user(cls, user: User) -> UserRead:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            locale=user.locale,
            email_verified=user.email_verified_at is not None,
            share_email_with_creators=user.share_email_with_creators,
            created_at=user.created_at,
        )


class SessionRead(BaseModel):
    """The logged-in user and the CSRF token to send as ``X-CSRF-Token`` on writes."""

    user: UserRead
    csrf_token: str


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)

    @field_validator("email")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class EmailVerificationConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class Accepted(BaseModel):
    """A request taken in; what follows (an email) happens in the background."""

    message: str
