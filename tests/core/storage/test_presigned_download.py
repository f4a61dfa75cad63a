"""Presigned downloads on both backends: the browser fetches the object by its URL. moto checks
neither a presigned GET's signature nor its expiry, so those refusals are verified on the local
backend."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
import pytest

from pickey_core.storage import S3Storage, Storage, attachment_disposition
from tests.support.presigned import (
    CONTENT,
    MOTO_IGNORES_URL_SIGNATURES,
    PNG,
    error_code,
    flip_last,
    with_query,
)


async def test_presigned_download_over_http_returns_the_bytes(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, CONTENT, PNG)

    response = await http.get(await storage.presign_download(key, expires_in=60))

    assert response.status_code == 200
    assert response.content == CONTENT
    assert "attachment" not in response.headers.get("content-disposition", "")


async def test_presigned_download_with_filename_is_an_attachment(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, CONTENT, PNG)
    filename = 'Pickey "report" é.png'

    url = await storage.presign_download(key, expires_in=60, filename=filename)
    response = await http.get(url)

    assert response.status_code == 200
    assert response.content == CONTENT
    disposition = response.headers["content-disposition"]
    assert disposition == attachment_disposition(filename)
    assert disposition.startswith('attachment; filename="Pickey _report_ _.png"')
    assert "filename*=UTF-8''Pickey%20%22report%22%20%C3%A9.png" in disposition


async def test_presigned_download_of_missing_object_is_404(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    response = await http.get(await storage.presign_download(key, expires_in=60))

    assert response.status_code == 404
    if isinstance(storage, S3Storage):
        assert "NoSuchKey" in response.text
    else:
        assert error_code(response) == "storage_object_not_found"


@pytest.mark.parametrize("tampering", ["signature", "expiry", "filename", "other-key"])
async def test_tampered_download_url_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient, tampering: str
) -> None:
    other_key = f"{key}-other"
    await storage.put(key, CONTENT, PNG)
    await storage.put(other_key, b"someone else's", PNG)
    url = await storage.presign_download(key, expires_in=60, filename="a.png")
    assert (await http.get(url)).status_code == 200
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    signature_name = "X-Amz-Signature" if isinstance(storage, S3Storage) else "signature"
    expires_name = "X-Amz-Expires" if isinstance(storage, S3Storage) else "expires"
    tampered = {
        "signature": with_query(url, **{signature_name: flip_last(query[signature_name])}),
        "expiry": with_query(url, **{expires_name: str(int(query[expires_name]) + 3600)}),
        "filename": with_query(
            url,
            **(
                {"response-content-disposition": "inline"}
                if isinstance(storage, S3Storage)
                else {"filename": "b.png"}
            ),
        ),
        "other-key": urlunsplit(parts._replace(path=f"{parts.path}-other")),
    }[tampering]

    response = await http.get(tampered)

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_URL_SIGNATURES)
    assert response.status_code == 403
    assert error_code(response) == "invalid_signature"
    assert b"someone" not in response.content


async def test_expired_download_url_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, CONTENT, PNG)
    url = await storage.presign_download(key, expires_in=1)
    assert (await http.get(url)).status_code == 200

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_URL_SIGNATURES)
    await asyncio.sleep(2.1)
    response = await http.get(url)

    assert response.status_code == 403
    assert error_code(response) == "signature_expired"
