"""Playing the browser against presigned storage URLs: post the upload form, fetch the object,
tamper with a signature; and what moto does not check (so some refusals are local-only)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from pickey_core.storage import PresignedUpload

MOTO_IGNORES_POST_POLICY = (
    "moto stores presigned POST uploads without checking the policy (size range, content type, "
    "signature, expiry); real S3 refuses them"
)
MOTO_IGNORES_URL_SIGNATURES = (
    "moto serves presigned GET URLs without checking their signature or expiry; real S3 answers 403"
)
PNG = "image/png"
CONTENT = bytes(range(256)) * 8


async def post_upload(
    http: httpx.AsyncClient,
    upload: PresignedUpload,
    content: bytes,
    *,
    fields: dict[str, str] | None = None,
    content_type: str = PNG,
) -> httpx.Response:
    """Do what the browser does: post the form's fields, then the file as the last part."""
    form = upload.fields if fields is None else fields
    return await http.post(
        upload.url, data=form, files={"file": ("upload.bin", content, content_type)}
    )


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def multipart(parts: list[tuple[str, str]]) -> tuple[bytes, str]:
    """A hand-made multipart body (httpx always puts files last); the part named ``file`` is sent
    as a PNG file. Returns the body and its Content-Type."""
    boundary = "pickey-test-boundary"
    chunks = []
    for name, value in parts:
        disposition = f'form-data; name="{name}"'
        extra = f'; filename="a.png"\r\nContent-Type: {PNG}' if name == "file" else ""
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}{extra}\r\n\r\n{value}\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def flip_last(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")
