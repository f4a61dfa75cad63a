"""What only one backend does (S3's upload policy, the local backend's own routes and files) and
choosing the backend from settings."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from pickey_core.errors import NotPermitted
from pickey_core.settings import StorageBackend, StorageConfig
from pickey_core.storage import LocalStorage, S3Storage, create_storage
from tests.support.presigned import CONTENT, PNG, error_code, multipart, post_upload


async def test_s3_upload_policy_states_key_type_and_size(
    s3_storage: S3Storage, s3_storage_config: StorageConfig, key: str
) -> None:
    """moto does not enforce the policy, so check that the one we sign says what S3 enforces."""
    upload = await s3_storage.presign_upload(key, content_type=PNG, max_bytes=500, expires_in=120)

    policy = json.loads(base64.b64decode(upload.fields["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": PNG} in conditions
    assert ["content-length-range", 1, 500] in conditions
    assert {"key": key} in conditions
    assert {"bucket": s3_storage_config.s3_bucket} in conditions
    expiration = datetime.fromisoformat(policy["expiration"])
    assert abs(expiration - upload.expires_at) < timedelta(seconds=5)
    assert upload.fields["key"] == key
    assert upload.fields["Content-Type"] == PNG
    # Path-style addressing: the bucket is in the path, not in the host name.
    assert upload.url == f"{s3_storage_config.s3_endpoint_url}/{s3_storage_config.s3_bucket}"


# --- local only ---------------------------------------------------------------------------------


async def test_local_urls_signed_with_another_key_are_refused(
    local_storage: LocalStorage,
    local_storage_config: StorageConfig,
    key: str,
    http: httpx.AsyncClient,
) -> None:
    await local_storage.put(key, CONTENT, PNG)
    impostor = LocalStorage(
        local_storage_config.model_copy(update={"signing_key": SecretStr("another-key")})
    )

    download = await http.get(await impostor.presign_download(key, expires_in=60))
    upload = await impostor.presign_upload(
        f"{key}-new", content_type=PNG, max_bytes=1000, expires_in=60
    )
    uploaded = await post_upload(http, upload, CONTENT[:10])

    assert (download.status_code, error_code(download)) == (403, "invalid_signature")
    assert (uploaded.status_code, error_code(uploaded)) == (403, "invalid_signature")
    assert await local_storage.exists(f"{key}-new") is False


async def test_local_storage_without_signing_key_uses_the_development_key(
    local_storage_config: StorageConfig, key: str
) -> None:
    unkeyed = local_storage_config.model_copy(update={"signing_key": SecretStr("")})
    signer, verifier = LocalStorage(unkeyed), LocalStorage(unkeyed)
    url = urlsplit(await signer.presign_download(key, expires_in=60))
    query = dict(parse_qsl(url.query))

    verifier.verify_download(
        key, expires=query["expires"], signature=query["signature"], filename=None
    )
    keyed = LocalStorage(local_storage_config)
    with pytest.raises(NotPermitted) as raised:
        keyed.verify_download(
            key, expires=query["expires"], signature=query["signature"], filename=None
        )
    assert raised.value.error_code == "invalid_signature"


async def test_local_upload_larger_than_limit_is_refused_while_streaming(
    local_storage: LocalStorage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await local_storage.presign_upload(key, content_type=PNG, max_bytes=16, expires_in=60)

    response = await post_upload(http, upload, b"x" * (4 * 1024 * 1024))

    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert await local_storage.exists(key) is False


async def test_local_upload_of_empty_file_is_refused(
    local_storage: LocalStorage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await local_storage.presign_upload(key, content_type=PNG, max_bytes=16, expires_in=60)

    response = await post_upload(http, upload, b"")

    assert response.status_code == 400
    assert error_code(response) == "empty_upload"
    assert await local_storage.exists(key) is False


async def test_local_upload_form_must_be_well_formed(
    local_storage: LocalStorage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await local_storage.presign_upload(key, content_type=PNG, max_bytes=99, expires_in=60)
    fields = list(upload.fields.items())
    file = ("file", "png")
    bodies = {
        "no file": multipart(fields),
        "no key": multipart([field for field in fields if field[0] != "key"] + [file]),
        "unknown field": multipart([*fields, ("acl", "public-read"), file]),
        "field after file": multipart([*fields, file, ("key", "other")]),
        "repeated field": multipart([*fields, ("key", key), file]),
        "not multipart": (json.dumps(upload.fields).encode(), "application/json"),
    }
    for case, (body, content_type) in bodies.items():
        response = await http.post(upload.url, content=body, headers={"Content-Type": content_type})

        assert (case, response.status_code, error_code(response)) == (
            case,
            400,
            "invalid_upload_form",
        )
    assert await local_storage.exists(key) is False


async def test_local_upload_without_signature_is_refused(
    local_storage: LocalStorage, key: str, http: httpx.AsyncClient
) -> None:
    upload = await local_storage.presign_upload(key, content_type=PNG, max_bytes=99, expires_in=60)
    unsigned = {k: v for k, v in upload.fields.items() if k != "signature"}

    response = await post_upload(http, upload, b"png", fields=unsigned)

    assert (response.status_code, error_code(response)) == (403, "invalid_signature")
    assert await local_storage.exists(key) is False


# --- factory ------------------------------------------------------------------------------------


async def test_create_storage_picks_the_configured_backend() -> None:
    local = create_storage(StorageConfig(backend=StorageBackend.LOCAL))
    s3 = create_storage(StorageConfig(backend=StorageBackend.S3))
    assert isinstance(local, LocalStorage)
    assert isinstance(s3, S3Storage)
    await s3.close()
