"""The one storage interface every service uses, whichever backend holds the bytes.

Pods share no disk, so in production uploads live in S3 (DigitalOcean Spaces); in development
they may live in a folder. Code above this layer never knows which. Browsers upload and download
directly through presigned URLs, so file bytes never pass through an API process.

Keys are checked here, once, before any backend sees them: both backends then accept exactly the
same keys, and a key can never name a path outside the storage root.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self
from urllib.parse import quote

from pickey_core.errors import BadRequest, ErrorDetail, NotFound

MAX_KEY_LENGTH = 1024
# SigV4 presigned URLs cannot live longer than seven days; the local backend follows the same rule.
MAX_EXPIRES_IN = 7 * 24 * 3600

_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9!_.*'()/-]+")
_MEDIA_NAME = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE = re.compile(rf"{_MEDIA_NAME}/{_MEDIA_NAME}(?:;[ -~]*)?")


class InvalidStorageKey(BadRequest):
    code = "invalid_storage_key"


class StorageObjectNotFound(NotFound):
    code = "storage_object_not_found"

    def __init__(self, message: str = "The stored object does not exist.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class PresignedUpload:
    """A browser multipart POST form: send every field, then the file as the last part, ``file``.

    The form only works for its key, its exact content type and at most its size limit, and
    only until ``expires_at``.
    """

    url: str
    fields: dict[str, str]
    expires_at: datetime


def validate_key(key: str) -> str:
    """Return ``key`` if both backends can store it safely, else raise :class:`InvalidStorageKey`.

    Empty, ``.`` and ``..`` path segments are refused too: a folder would collapse them, S3 would
    not, and the same key must mean the same object everywhere.
    """
    problem = _key_problem(key)
    if problem is not None:
        raise InvalidStorageKey(
            f"The storage key is not valid: it {problem}.",
            details=[ErrorDetail(loc=["key"], message=f"it {problem}", type="invalid_storage_key")],
        )
    return key


def _key_problem(key: str) -> str | None:
    if not key:
        return "is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    if not _KEY_CHARACTERS.fullmatch(key):
        return "may contain only ASCII letters, digits and !_.*'()/-"
    if key.startswith("/"):
        return "starts with /"
    if ".." in key:
        return "contains .."
    if any(segment in ("", ".") for segment in key.split("/")):
        return "has an empty or . path segment"
    return None


def attachment_disposition(filename: str) -> str:
    """A ``Content-Disposition`` that makes browsers save the file as ``filename`` (RFC 6266).

    ``filename*`` carries the exact UTF-8 name; ``filename`` is an ASCII stand-in for old clients,
    with quotes, backslashes and control characters replaced so the header cannot be broken.
    """
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _check_content_type(content_type: str) -> str:
    # Callers choose content types from an allowlist; anything else here is a programming error.
    if not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"not a media type: {content_type!r}")
    return content_type


def _check_expires_in(expires_in: int) -> int:
    if not 1 <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError(f"expires_in must be between 1 and {MAX_EXPIRES_IN} seconds")
    return expires_in


class Storage(ABC):
    """Objects addressed by key, plus presigned URLs that let browsers move the bytes themselves.

    The public methods validate their arguments and call the backend's ``_``-prefixed methods,
    which may assume a valid key.
    """

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing any object there) with its content type."""
        await self._put(validate_key(key), data, _check_content_type(content_type))

    async def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; :class:`StorageObjectNotFound` if there are none."""
        return await self._get(validate_key(key))

    async def exists(self, key: str) -> bool:
        return await self._exists(validate_key(key))

    async def delete(self, key: str) -> None:
        """Remove the object under ``key``; removing a missing object is not an error."""
        await self._delete(validate_key(key))

    async def presign_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        """A form that lets a browser upload 1 to ``max_bytes`` bytes of ``content_type`` to
        ``key`` within ``expires_in`` seconds."""
        if max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        return await self._presign_upload(
            validate_key(key),
            content_type=_check_content_type(content_type),
            max_bytes=max_bytes,
            expires_in=_check_expires_in(expires_in),
        )

    async def presign_download(
        self, key: str, *, expires_in: int, filename: str | None = None
    ) -> str:
        """A GET URL for ``key`` valid for ``expires_in`` seconds; with ``filename`` the browser
        saves the file under that name instead of showing it."""
        if filename is not None and not filename.strip():
            raise ValueError("filename must not be blank")
        return await self._presign_download(
            validate_key(key), expires_in=_check_expires_in(expires_in), filename=filename
        )

    @abstractmethod
    async def close(self) -> None:
        """Release the backend's connections (network clients, pools)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def _put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def _get(self, key: str) -> bytes: ...

    @abstractmethod
    async def _exists(self, key: str) -> bool: ...

    @abstractmethod
    async def _delete(self, key: str) -> None: ...

    @abstractmethod
    async def _presign_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload: ...

    @abstractmethod
    async def _presign_download(
        self, key: str, *, expires_in: int, filename: str | None
    ) -> str: ...
