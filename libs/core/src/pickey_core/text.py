"""Text people type (profiles, tiers, posts, comments), checked so PostgreSQL can store it.

JSON may carry a NUL character or a lone surrogate (``"\\u0000"``, ``"\\ud800"``); PostgreSQL
refuses both, which would turn a bad request into a 500. They are refused here as validation
errors instead.
"""

from __future__ import annotations

from pydantic import AfterValidator


def storable(value: str) -> str:
    """``value`` unchanged, or ValueError if PostgreSQL could not store it."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


def _one_line(value: str) -> str:
    """Whitespace runs (newlines included) become one space; blank is refused."""
    tidy = " ".join(storable(value).split())
    if not tidy:
        raise ValueError("must not be blank")
    return tidy


Storable = AfterValidator(storable)
OneLine = AfterValidator(_one_line)
