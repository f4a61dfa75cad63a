"""Cookie sessions stored in Redis, shared by every replica and by every service (api, payments).

The browser holds a random session id in an HttpOnly cookie; Redis holds only its SHA-256, so a
copy of Redis holds no usable session. A session ends when idle too long, when it reaches its
absolute age, at logout, and when the user's password changes (every session of the user goes).
A new id is issued at login and on any privilege change (:meth:`SessionStore.rotate`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, Field
from redis.asyncio import Redis

_KEY = "pickey:session:{digest}"
_USER_KEY = "pickey:user-sessions:{user_id}"


class SessionConfig(BaseModel):
    """``PICKEY_SESSION__...``"""

    model_config = ConfigDict(frozen=True)

    cookie_name: str = Field(default="pickey_session", description="Session cookie name.")
    csrf_cookie_name: str = Field(
        default="pickey_csrf", description="Readable cookie holding the CSRF token."
    )
    cookie_secure: bool = Field(
        default=True, description="Send cookies over HTTPS only; false for local http."
    )
    cookie_domain: str | None = Field(default=None, description="Cookie domain; empty = host.")
    idle_timeout_seconds: int = Field(
        default=7 * 24 * 3600, ge=60, description="A session unused this long ends."
    )
    absolute_timeout_seconds: int = Field(
        default=30 * 24 * 3600, ge=60, description="A session ends this long after login."
    )


@dataclass(frozen=True)
class Session:
    user_id: uuid.UUID
    csrf_token: str
    created_at: float
    last_seen_at: float


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _load(raw: bytes) -> Session:
    data = json.loads(raw)
    return Session(
        user_id=uuid.UUID(data["user_id"]),
        csrf_token=data["csrf_token"],
        created_at=data["created_at"],
        last_seen_at=data["last_seen_at"],
    )


def _dump(session: Session) -> str:
    return json.dumps({**asdict(session), "user_id": str(session.user_id)})


class SessionStore:
    def __init__(self, redis: Redis, config: SessionConfig) -> None:
        self._redis = redis
        self._config = config

    @property
    def config(self) -> SessionConfig:
        return self._config

    async def create(self, user_id: uuid.UUID) -> tuple[str, Session]:
        """A new session for ``user_id``; returns the id for the cookie and the session."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        session = Session(user_id, secrets.token_urlsafe(32), now, now)
        digest = _digest(session_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(_KEY.format(digest=digest), _dump(session), ex=self._ttl(session, now))
            pipe.sadd(_USER_KEY.format(user_id=user_id), digest)
            pipe.expire(_USER_KEY.format(user_id=user_id), self._config.absolute_timeout_seconds)
            await pipe.execute()
        return session_id, session

    async def get(self, session_id: str) -> Session | None:
        """The live session for this id (and its idle clock restarted), or None.

        The idle clock is restarted (the session written back) only when it was last restarted
        at least :meth:`_touch_interval` ago, so a busy reader costs one Redis round trip per
        request, not two; a session may therefore end up to that interval (at most a minute)
        before its full idle timeout."""
        if not session_id or len(session_id) > 128:
            return None
        key = _KEY.format(digest=_digest(session_id))
        raw = await self._redis.get(key)
        if raw is None:
            return None
        session = _load(raw)
        now = time.time()
        ttl = self._ttl(session, now)
        if ttl <= 0:
            await self._redis.delete(key)
            return None
        if now - session.last_seen_at < self._touch_interval():
            return session
        touched = Session(session.user_id, session.csrf_token, session.created_at, now)
        await self._redis.set(key, _dump(touched), ex=ttl)
        return touched

    async def delete(self, session_id: str) -> None:
        digest = _digest(session_id)
        raw = await self._redis.get(_KEY.format(digest=digest))
        await self._redis.delete(_KEY.format(digest=digest))
        if raw is not None:
            await self._redis.srem(_USER_KEY.format(user_id=_load(raw).user_id), digest)  # type: ignore[misc]

    async def rotate(self, session_id: str) -> tuple[str, Session] | None:
        """Replace the session id (after a privilege change); the old id stops working."""
        session = await self.get(session_id)
        if session is None:
            return None
        await self.delete(session_id)
        return await self.create(session.user_id)

    async def delete_all(self, user_id: uuid.UUID) -> None:
        """End every session of a user (password change, reset, account deletion)."""
        user_key = _USER_KEY.format(user_id=user_id)
        members = await self._redis.smembers(user_key)  # type: ignore[misc]
        digests = [d.decode() for d in members]
        keys = [_KEY.format(digest=digest) for digest in digests]
        await self._redis.delete(user_key, *keys)

    def _touch_interval(self) -> float:
        return min(60.0, self._config.idle_timeout_seconds / 16)

    def _ttl(self, session: Session, now: float) -> int:
        absolute_left = session.created_at + self._config.absolute_timeout_seconds - now
        return int(min(self._config.idle_timeout_seconds, absolute_left))
