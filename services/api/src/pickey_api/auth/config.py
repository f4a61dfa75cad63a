"""How hard the api makes guessing passwords and spamming inboxes (``PICKEY_AUTH__...``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AuthConfig(BaseModel):
    """Throttling limits and one-time token lifetimes. The defaults follow OWASP's advice: a few
    guesses per account, more per address (an office or a mobile carrier shares one), windows of
    minutes, reset links that live an hour."""

    model_config = ConfigDict(frozen=True)

    login_attempts_per_account: int = Field(
        default=5,
        ge=1,
        description="Password attempts per account (email) per window; a successful login "
        "clears the count.",
    )
    login_attempts_per_ip: int = Field(
        default=20, ge=1, description="Failed password attempts per client address per window."
    )
    login_window_seconds: int = Field(
        default=900, ge=1, description="Window of the login limits; Retry-After says what is left."
    )
    account_emails_per_address: int = Field(
        default=3,
        ge=1,
        description="Password-reset and verification emails one email address may be sent per "
        "window.",
    )
    account_emails_per_ip: int = Field(
        default=10,
        ge=1,
        description="Password-reset and verification email requests per client address per window.",
    )
    account_emails_window_seconds: int = Field(
        default=3600, ge=1, description="Window of the account email limits."
    )
    password_reset_token_seconds: int = Field(
        default=3600, ge=60, description="How long a password-reset link works."
    )
    email_verification_token_seconds: int = Field(
        default=48 * 3600, ge=60, description="How long an email-verification link works."
    )
