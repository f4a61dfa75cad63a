"""What a creator page's address may be.

Lower-case ASCII letters, digits and single hyphens between them, 3-40 characters: readable in a
URL, the same however it is typed, and never a path the web app or the API uses itself.
Reserved words and anything starting with ``pickey`` are refused so nobody can pose as the
platform or shadow one of its pages.
"""

from __future__ import annotations

import re

from pickey_core.errors import InvalidInput

SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 40
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

RESERVED_SLUGS = frozenset(
    {
        "about", "account", "accounts", "admin", "api", "app", "assets", "auth", "billing", "blog",
        "careers", "cdn", "checkout", "config", "contact", "creator", "creators", "dashboard",
        "docs", "edit", "email", "explore", "faq", "feed", "follows", "help", "home", "jobs",
        "legal", "live", "login", "logout", "mail", "me", "media", "member", "members",
        "membership", "memberships", "messages", "moderator", "new", "notifications", "null",
        "official", "password", "payments", "pickey", "posts", "press", "pricing", "privacy",
        "register", "reset", "root", "search", "security", "settings", "signin", "signup", "staff",
        "static", "status", "support", "system", "team", "terms", "tiers", "undefined", "upload",
        "uploads", "verify", "video", "webhooks", "www",
    }
)  # fmt: skip
RESERVED_PREFIX = "pickey"


class InvalidSlug(InvalidInput):
    code = "invalid_slug"


class SlugReserved(InvalidInput):
    code = "slug_reserved"


def is_well_formed(slug: str) -> bool:
    return (
        SLUG_MIN_LENGTH <= len(slug) <= SLUG_MAX_LENGTH and SLUG_PATTERN.fullmatch(slug) is not None
    )


def check_slug(slug: str) -> str:
    """``slug`` if a creator may take it (availability aside), else a 422 saying why."""
    if not is_well_formed(slug):
        raise InvalidSlug(
            f"A page address has {SLUG_MIN_LENGTH}-{SLUG_MAX_LENGTH} characters: lower-case "
            "letters a-z, digits and single hyphens between them."
        )
    if slug in RESERVED_SLUGS or slug.startswith(RESERVED_PREFIX):
        raise SlugReserved("This page address is reserved; choose another.")
    return slug
