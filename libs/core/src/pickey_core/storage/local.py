"""Storage in a local folder, for development only (settings refuse it anywhere else).

It behaves like the S3 backend from the outside: presigned URLs point at the routes of
:mod:`pickey_core.storage.local_endpoints` and are signed with HMAC-SHA256, so frontends
exercise the same upload and download flow as in production.

Layout: each object is one file named by the SHA-256 of its key, holding a JSON header line
(key, content type) followed by the bytes. Hashed names make keys like ``a`` and ``a/b`` coexist
(a folder tree cannot hold both), keep ``A`` and ``a`` apart on case-insensitive disks, and
never turn a key into a path. Header and bytes in one file let a single ``os.replace`` swap an
object atomically: readers see the old object or the new one, never a mix.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from pickey_core.errors import BadRequest, NotPermitted, UnsupportedMediaType
from pickey_core.settings import StorageConfig
from pickey_core.storage.base import (
    PresignedUpload,
    Storage,
    StorageObjectNotFound,
    validate_key,
)

# Signs URLs when no signing key is configured. It is public, so it is safe only because
# settings refuse the local backend outside development and test.
DEVELOPMENT_SIGNING_KEY = b"pickey-local-storage-development-only"

ROUTE_PREFIX = "/_storage"
_MAGIC = b"pickey-object-v1\n"
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class UploadPolicy:
    """What a presigned upload form allows: one key, one content type, at most ``max_bytes``."""

    key: str
    content_type: str
    max_bytes: int


class LocalObjectStream:
    """An open stored object: its content type and size, then its bytes chunk by chunk.

    Size and bytes come from the same open file, so they agree even if the object is replaced
    while it is being sent.
    """

    def __init__(self, file: BinaryIO, content_type: str, size: int) -> None:
        self._file = file
        self.content_type = content_type
        self.size = size

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(self._file.read, _CHUNK_BYTES):
                yield chunk
        finally:
            self._file.close()


class LocalStorage(Storage):
    def __init__(self, config: StorageConfig) -> None:
        self._root = Path(config.local_root)
        self._base_url = config.local_base_url.rstrip("/")
        configured_key = config.signing_key.get_secret_value()
        self._signing_key = configured_key.encode() if configured_key else DEVELOPMENT_SIGNING_KEY

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, key, data, content_type)

    async def _get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    async def _exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def _delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def _presign_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        expires = int(time.time()) + expires_in
        document = {
            "key": key,
            "content_type": content_type,
            "max_bytes": max_bytes,
            "expires": expires,
        }
        policy = base64.urlsafe_b64encode(
            json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
        ).decode("ascii")
        fields = {
            "key": key,
            "Content-Type": content_type,
            "policy": policy,
            "signature": self._sign("upload", policy),
        }
        return PresignedUpload(
            url=f"{self._base_url}{ROUTE_PREFIX}/upload",
            fields=fields,
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def _presign_download(self, key: str, *, expires_in: int, filename: str | None) -> str:
        expires = str(int(time.time()) + expires_in)
        query = {"expires": expires, "signature": self._download_signature(key, expires, filename)}
        if filename is not None:
            query["filename"] = filename
        return f"{self._base_url}{ROUTE_PREFIX}/object/{quote(key)}?{urlencode(query)}"

    async def close(self) -> None:
        """Nothing to release: every call opens and closes its own files."""

    async def open_object(self, key: str) -> LocalObjectStream:
        """The object under ``key``, opened for streaming to an HTTP response."""
        return await asyncio.to_thread(self._open_stream, validate_key(key))

    def verify_upload(self, fields: Mapping[str, str]) -> UploadPolicy:
        """Check an upload form's signature, expiry, key and content type; return its policy.

        The content type is the form's ``Content-Type`` field, as on S3: that is what gets
        stored, whatever the browser says about the file part.
        """
        policy = fields.get("policy", "")
        if not self._signature_matches(fields.get("signature"), "upload", policy):
            raise NotPermitted("The upload form is not signed by us.", code="invalid_signature")
        document = json.loads(base64.urlsafe_b64decode(policy))
        if time.time() >= document["expires"]:
            raise NotPermitted("The upload form has expired.", code="signature_expired")
        if "key" not in fields:
            raise BadRequest("The upload form has no key field.", code="invalid_upload_form")
        if fields["key"] != document["key"]:
            raise NotPermitted("The upload form does not allow this key.", code="key_not_allowed")
        if fields.get("Content-Type") != document["content_type"]:
            raise UnsupportedMediaType(
                f"The upload form allows only {document['content_type']}.",
            )
        return UploadPolicy(
            key=document["key"],
            content_type=document["content_type"],
            max_bytes=document["max_bytes"],
        )

    def verify_download(
        self, key: str, *, expires: str | None, signature: str | None, filename: str | None
    ) -> None:
        """Check a download URL's signature, then its expiry (a forged expiry fails the first)."""
        if expires is None or not self._signature_matches(
            signature, "download", key, expires, filename or ""
        ):
            raise NotPermitted("The download URL is not signed by us.", code="invalid_signature")
        if time.time() >= int(expires):
            raise NotPermitted("The download URL has expired.", code="signature_expired")

    def _download_signature(self, key: str, expires: str, filename: str | None) -> str:
        return self._sign("download", key, expires, filename or "")

    def _sign(self, purpose: str, *parts: str) -> str:
        # The purpose keeps an upload signature from passing as a download one. Keys and expiries
        # hold no newline and the free-form part comes last, so the message is unambiguous.
        message = "\n".join((purpose, *parts)).encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    def _signature_matches(self, signature: str | None, purpose: str, *parts: str) -> bool:
        if not signature:
            return False
        expected = self._sign(purpose, *parts).encode()
        return hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape"))

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self._root / digest[:2] / digest

    def _write(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"key": key, "content_type": content_type}).encode() + b"\n"
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(_MAGIC + header)
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _read(self, key: str) -> bytes:
        file, _ = self._open(key)
        with file:
            return file.read()

    def _open_stream(self, key: str) -> LocalObjectStream:
        file, content_type = self._open(key)
        size = os.fstat(file.fileno()).st_size - file.tell()
        return LocalObjectStream(file, content_type, size)

    def _open(self, key: str) -> tuple[BinaryIO, str]:
        """The object's file, positioned at its first byte, and its content type."""
        try:
            file = self._path(key).open("rb")
        except FileNotFoundError:
            raise StorageObjectNotFound from None
        try:
            if file.readline(len(_MAGIC)) != _MAGIC:
                raise ValueError(f"{file.name} is not a stored object")
            header = json.loads(file.readline())
            return file, str(header["content_type"])
        except BaseException:
            file.close()
            raise
