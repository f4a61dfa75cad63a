"""Request and response bodies of the accounts endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from pickey_core.models import User

# NIST SP 800-63B / OWASP: at least 8 characters, allow long passphrases, no composition rules.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
    display_name: str = Field(min_length=1, max_length=100)
    locale: Literal["cs", "en"] = "cs"

    @field_validator("email")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()

    @field_validator("display_name")
    @classmethod
    def _strip(cls, value: str) -> str:
        stripped = " ".join(value.split())
        if not stripped:
            raise ValueError("display name must not be blank")
        return stripped


class AccountDeletion(BaseModel):
    """Deleting an account asks for the password again: a session left open is not enough."""

    model_config = ConfigDict(extra="forbid")

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


class EmailSharing(BaseModel):
    """The fan's consent to show their email address to the creators they support."""

    model_config = ConfigDict(extra="forbid")

    share_email_with_creators: bool = Field(strict=True)
