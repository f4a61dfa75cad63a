"""Who is calling: the Redis cookie session, as FastAPI dependencies any service can use.

``CurrentUser`` answers 401 without a live session. On state-changing methods it also requires
the session's CSRF token in the ``X-CSRF-Token`` header (the SPA reads it from the readable
``pickey_csrf`` cookie or from the login response): a cross-site form or script cannot, so a
forged request fails even where SameSite=Lax would let the cookie through.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from pickey_core.errors import NotAuthenticated, NotPermitted
from pickey_core.http.dependencies import ResourcesDep, SessionDep
from pickey_core.models import User
from pickey_core.sessions import Session, SessionConfig, SessionStore

CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session_store(resources: ResourcesDep) -> SessionStore:
    return SessionStore(resources.redis, resources.settings.session)


SessionStoreDep = Annotated[SessionStore, Depends(get_session_store)]


@dataclass(frozen=True)
class Authenticated:
    """The caller's session (and the id from its cookie) with their user row."""

    session_id: str
    session: Session
    user: User


async def _authenticate(
    request: Request, store: SessionStoreDep, db: SessionDep
) -> Authenticated | None:
    session_id = request.cookies.get(store.config.cookie_name, "")
    session = await store.get(session_id)
    if session is None:
        return None
    user = await db.get(User, session.user_id)
    if user is None or user.deleted_at is not None:
        await store.delete(session_id)
        return None
    return Authenticated(session_id, session, user)


async def optional_auth(
    request: Request,
    authenticated: Annotated[Authenticated | None, Depends(_authenticate, scope="function")],
) -> Authenticated | None:
    if authenticated is not None and request.method not in _SAFE_METHODS:
        _check_csrf(request, authenticated.session)
    return authenticated


async def required_auth(
    authenticated: Annotated[Authenticated | None, Depends(optional_auth, scope="function")],
) -> Authenticated:
    if authenticated is None:
        raise NotAuthenticated("Log in to continue.")
    return authenticated


def _check_csrf(request: Request, session: Session) -> None:
    offered = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(offered.encode(), session.csrf_token.encode()):
        raise NotPermitted(
            f"Missing or wrong {CSRF_HEADER} header for this session.", code="csrf_failed"
        )


OptionalAuth = Annotated[Authenticated | None, Depends(optional_auth, scope="function")]
RequiredAuth = Annotated[Authenticated, Depends(required_auth, scope="function")]


async def _current_user(auth: RequiredAuth) -> User:
    return auth.user


class EmailNotVerified(NotPermitted):
    """The one answer of the verified-email gate: the SPA switches on ``email_not_verified`` to
    offer "send the link again" (``POST /api/v1/auth/email-verification``)."""

    code = "email_not_verified"


def require_verified_email(user: User) -> None:
    """The rule, once: money moves (checkout, resuming or changing a membership, payouts) and
    becoming a creator need an address we know reaches the person, for receipts, renewal
    notices, payout statements and account recovery. Reading, following and cancelling do not
    (stopping a charge must always be possible)."""
    if user.email_verified_at is None:
        raise EmailNotVerified(
            "Confirm your email address first: open the link we sent you, or ask for a new one."
        )


async def _verified_auth(auth: RequiredAuth) -> Authenticated:
    require_verified_email(auth.user)
    return auth


async def _verified_user(auth: RequiredAuth) -> User:
    require_verified_email(auth.user)
    return auth.user


async def _optional_user(auth: OptionalAuth) -> User | None:
    return auth.user if auth is not None else None


CurrentUser = Annotated[User, Depends(_current_user, scope="function")]
# The logged-in user (or session) whose email address is verified; otherwise 403
# ``email_not_verified``. Document it on the route with ``error_responses(EmailNotVerified)``.
VerifiedUser = Annotated[User, Depends(_verified_user, scope="function")]
VerifiedAuth = Annotated[Authenticated, Depends(_verified_auth, scope="function")]
OptionalUser = Annotated[User | None, Depends(_optional_user, scope="function")]


def set_session_cookies(
    response: Response, config: SessionConfig, session_id: str, session: Session
) -> None:
    common = {"secure": config.cookie_secure, "samesite": "lax", "domain": config.cookie_domain}
    response.set_cookie(
        config.cookie_name,
        session_id,
        max_age=config.absolute_timeout_seconds,
        httponly=True,
        path="/",
        **common,  # type: ignore[arg-type]
    )
    response.set_cookie(
        config.csrf_cookie_name,
        session.csrf_token,
        max_age=config.absolute_timeout_seconds,
        httponly=False,
        path="/",
        **common,  # type: ignore[arg-type]
    )


def clear_session_cookies(response: Response, config: SessionConfig) -> None:
    for name in (config.cookie_name, config.csrf_cookie_name):
        response.delete_cookie(
            name, path="/", domain=config.cookie_domain, secure=config.cookie_secure
        )
