"""What a new password must be, beyond its length (checked by the request schemas).

NIST SP 800-63B and OWASP: no composition rules ("one digit, one symbol"), but refuse passwords
that are commonly used, trivially repetitive, or built on the account's own email. The list
below holds the obvious ones of at least the minimum length, Czech keyboard layouts included; a
breached-password service would be the next step.
"""

from __future__ import annotations

from pickey_core.errors import ErrorDetail, InvalidInput

# NIST SP 800-63B / OWASP: at least 8 characters, allow long passphrases, no composition rules.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 4
# A password may contain the email's local part ("jana" in "jana-a-jeji-pes"), as long as the
# rest would be a password by itself; shorter local parts ("jan@") are not looked for at all.
MIN_LOCAL_PART = 4

COMMON_PASSWORDS = frozenset(
    {
        "00000000",
        "11111111",
        "12121212",
        "12341234",
        "12344321",
        "12345678",
        "123456789",
        "1234567890",
        "123123123",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "87654321",
        "987654321",
        "abc12345",
        "abcd1234",
        "abcdefgh",
        "admin123",
        "asdfghjkl",
        "asdfasdf",
        "baseball",
        "changeme",
        "dragon123",
        "football",
        "heslo123",
        "heslo1234",
        "hesloheslo",
        "iloveyou",
        "letmein1",
        "monkey123",
        "p@ssw0rd",
        "passw0rd",
        "password",
        "password1",
        "password123",
        "pickey123",
        "princess",
        "qwerty123",
        "qwertyui",
        "qwertyuiop",
        "qwertz123",
        "qwertzuiop",
        "starwars",
        "sunshine",
        "superman",
        "trustno1",
        "welcome1",
        "yxcvbnm1",
        "zaq12wsx",
    }
)


class WeakPassword(InvalidInput):
    code = "weak_password"


class PasswordUnchanged(InvalidInput):
    code = "password_unchanged"


def check_new_password(password: str, *, email: str, field: str) -> None:
    """Refuse a guessable new password with 422 ``weak_password`` naming ``field``."""
    folded = password.casefold()
    address = email.casefold()
    local_part = address.partition("@")[0]
    if folded in COMMON_PASSWORDS:
        reason = "This password is among the most commonly used ones."
    elif len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        reason = "This password repeats too few different characters."
    elif address in folded or (
        len(local_part) >= MIN_LOCAL_PART
        and len(folded.replace(local_part, "")) < PASSWORD_MIN_LENGTH
    ):
        reason = "The password must not be built on your email address."
    else:
        return
    raise WeakPassword(
        "Choose a harder password to guess.",
        details=[ErrorDetail(loc=["body", field], message=reason, type="weak_password")],
    )
