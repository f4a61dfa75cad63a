"""HTTP routes that answer the local backend's presigned URLs the way S3 would (development only).

The upload form is parsed while it streams in. S3 requires the file to be the last part, so all
small fields have arrived when the file part starts: the policy is checked right then, and the
file is read only up to the policy's size limit. A forged or oversized upload is refused without
being held in memory or spooled to disk first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from pickey_core.errors import BadRequest, PayloadTooLarge
from pickey_core.storage.base import attachment_disposition
from pickey_core.storage.local import ROUTE_PREFIX, LocalStorage, UploadPolicy

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

_FILE_FIELD = "file"
_FIELD_NAMES = frozenset({"key", "Content-Type", "policy", "signature"})
_MAX_FIELD_BYTES = 8 * 1024
# Room for the boundaries, part headers and small fields around the file.
_FORM_OVERHEAD_BYTES = 64 * 1024


def local_storage_router(storage: LocalStorage) -> APIRouter:
    """Routes for ``storage``'s presigned URLs; mount them on the app at ``local_base_url``."""
    router = APIRouter(prefix=ROUTE_PREFIX, include_in_schema=False)

    @router.post("/upload", status_code=204)
    async def upload(request: Request) -> Response:
        policy, data = await _read_upload(request, storage)
        await storage.put(policy.key, data, policy.content_type)
        return Response(status_code=204)

    @router.get("/object/{key:path}")
    async def download(
        key: str,
        expires: str | None = None,
        signature: str | None = None,
        filename: str | None = None,
    ) -> StreamingResponse:
        storage.verify_download(key, expires=expires, signature=signature, filename=filename)
        stream = await storage.open_object(key)
        # Set directly rather than as media_type, which would append a charset to text types.
        headers = {"Content-Type": stream.content_type, "Content-Length": str(stream.size)}
        if filename:
            headers["Content-Disposition"] = attachment_disposition(filename)
        return StreamingResponse(stream.chunks(), headers=headers)

    return router


async def _read_upload(request: Request, storage: LocalStorage) -> tuple[UploadPolicy, bytes]:
    media_type, parameters = parse_options_header(request.headers.get("content-type"))
    boundary = parameters.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise _invalid_form("The upload must be a multipart/form-data POST.")
    form = _UploadForm(storage, boundary)
    received = 0
    async for chunk in request.stream():
        try:
            form.feed(chunk)
        except MultipartParseError as error:
            raise _invalid_form("The upload form is not valid multipart data.") from error
        received += len(chunk)
        if received > form.byte_limit:
            raise PayloadTooLarge("The upload is larger than its form allows.")
        if form.finished:
            break
    if form.policy is None or not form.finished:
        raise _invalid_form("The upload form has no complete file part.")
    if not form.data:
        raise BadRequest("The uploaded file is empty.", code="empty_upload")
    return form.policy, bytes(form.data)


class _UploadForm:
    """Collects the small fields, verifies the policy when the file starts, bounds the file."""

    def __init__(self, storage: LocalStorage, boundary: bytes) -> None:
        self._storage = storage
        self.fields: dict[str, str] = {}
        self.policy: UploadPolicy | None = None
        self.data = bytearray()
        self.finished = False
        self._part_name = ""
        self._in_file = False
        self._value = bytearray()
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_end": self._on_end,
        }
        self._parser = MultipartParser(boundary, callbacks)

    @property
    def byte_limit(self) -> int:
        """How many request bytes may arrive in all: the file's limit once it is known."""
        return _FORM_OVERHEAD_BYTES + (self.policy.max_bytes if self.policy else 0)

    def feed(self, chunk: bytes) -> None:
        self._parser.write(chunk)

    def _on_part_begin(self) -> None:
        if self.policy is not None:
            raise _invalid_form("The file must be the last part of the upload form.")
        self._value.clear()
        self._disposition = b""

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        _, parameters = parse_options_header(self._disposition)
        name = parameters.get(b"name", b"").decode("latin-1")
        if name == _FILE_FIELD:
            self.policy = self._storage.verify_upload(self.fields)
            self._in_file = True
        elif name not in _FIELD_NAMES:
            raise _invalid_form(f"The upload form has an unexpected field {name!r}.")
        elif name in self.fields:
            raise _invalid_form(f"The upload form repeats the field {name!r}.")
        self._part_name = name

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            assert self.policy is not None
            if len(self.data) + (end - start) > self.policy.max_bytes:
                raise PayloadTooLarge(
                    f"The file is larger than the {self.policy.max_bytes} bytes "
                    "its upload form allows."
                )
            self.data += data[start:end]
        else:
            if len(self._value) + (end - start) > _MAX_FIELD_BYTES:
                raise _invalid_form(f"The form field {self._part_name!r} is too long.")
            self._value += data[start:end]

    def _on_part_end(self) -> None:
        if self._in_file:
            self._in_file = False
            return
        try:
            self.fields[self._part_name] = self._value.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid_form(f"The form field {self._part_name!r} is not UTF-8.") from None

    def _on_end(self) -> None:
        self.finished = True


def _invalid_form(message: str) -> BadRequest:
    return BadRequest(message, code="invalid_upload_form")
