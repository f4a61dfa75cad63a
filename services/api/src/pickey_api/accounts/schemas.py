"""Request and response bodies of the accounts endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from pickey_api.auth.password_policy import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


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


class EmailSharing(BaseModel):
    """The fan's consent to show their email address to the creators they support."""

    model_config = ConfigDict(extra="forbid")

    share_email_with_creators: bool = Field(strict=True)
