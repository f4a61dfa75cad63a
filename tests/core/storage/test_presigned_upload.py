"""Presigned uploads on both backends: the browser posts the form and the file; what the policy
refuses. moto checks none of a presigned POST's conditions, so those refusals are verified on the
local backend; for S3 the policy we send is checked instead
(test_s3_upload_policy_states_key_type_and_size)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pickey_core.storage import S3Storage, Storage
from tests.support.presigned import CONTENT, MOTO_IGNORES_POST_POLICY, PNG, error_code, post_upload


async def test_presigned_upload_over_http_stores_the_file(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    before = datetime.now(UTC)
    upload = await storage.presign_upload(
        key, content_type=PNG, max_bytes=len(CONTENT), expires_in=300
    )
    assert before + timedelta(seconds=295) <= upload.expires_at <= before + timedelta(seconds=305)
    assert await storage.exists(key) is False

    response = await post_upload(http, upload, CONTENT)  # exactly at the size limit

    assert response.status_code == 204, response.text
    assert await storage.get(key) == CONTENT
    download = await http.get(await storage.presign_download(key, expires_in=60))
    assert download.headers["content-type"] == PNG


async def test_presigned_upload_larger_than_limit_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await storage.presign_upload(key, content_type=PNG, max_bytes=16, expires_in=60)

    response = await post_upload(http, upload, b"x" * 17)

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_POST_POLICY)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert await storage.exists(key) is False


async def test_presigned_upload_of_other_content_type_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await storage.presign_upload(key, content_type=PNG, max_bytes=1000, expires_in=60)
    fields = {**upload.fields, "Content-Type": "text/html"}

    response = await post_upload(
        http, upload, b"<script></script>", fields=fields, content_type="text/html"
    )

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_POST_POLICY)
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"
    assert await storage.exists(key) is False


async def test_presigned_upload_form_for_another_key_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await storage.presign_upload(key, content_type=PNG, max_bytes=1000, expires_in=60)
    other_key = f"{key}-other"

    response = await post_upload(
        http, upload, CONTENT[:100], fields={**upload.fields, "key": other_key}
    )

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_POST_POLICY)
    assert response.status_code == 403
    assert error_code(response) == "key_not_allowed"
    assert await storage.exists(other_key) is False
    assert await storage.exists(key) is False


async def test_presigned_upload_with_policy_from_another_form_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    # A client holding a small-limit form swaps in the policy of a generous one.
    small = await storage.presign_upload(key, content_type=PNG, max_bytes=16, expires_in=60)
    large = await storage.presign_upload(key, content_type=PNG, max_bytes=10_000, expires_in=60)
    forged = {**small.fields, "policy": large.fields["policy"]}

    response = await post_upload(http, small, CONTENT[:100], fields=forged)

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_POST_POLICY)
    assert response.status_code == 403
    assert error_code(response) == "invalid_signature"
    assert await storage.exists(key) is False


async def test_expired_upload_form_is_refused(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await storage.presign_upload(key, content_type=PNG, max_bytes=1000, expires_in=1)

    if isinstance(storage, S3Storage):
        pytest.skip(MOTO_IGNORES_POST_POLICY)
    await asyncio.sleep(2.1)
    response = await post_upload(http, upload, CONTENT[:100])

    assert response.status_code == 403
    assert error_code(response) == "signature_expired"
    assert await storage.exists(key) is False
