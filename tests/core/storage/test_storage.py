"""The storage contract, run against both backends through real HTTP.

S3 is a moto server in its own process; the local backend's presigned-URL routes are served by
uvicorn on a real port. Browsers are played by httpx posting the presigned form and fetching the
presigned URL.

moto checks none of a presigned POST's policy conditions nor a presigned GET's signature or
expiry, so those refusals are verified for the local backend only; for S3 the policy we send is
checked instead (``test_s3_upload_policy_states_key_type_and_size``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from pickey_core.errors import BadRequest, NotFound, NotPermitted
from pickey_core.http.error_handlers import install_error_handlers
from pickey_core.settings import StorageBackend, StorageConfig
from pickey_core.storage import (
    MAX_KEY_LENGTH,
    InvalidStorageKey,
    LocalStorage,
    PresignedUpload,
    S3Storage,
    Storage,
    StorageObjectNotFound,
    attachment_disposition,
    create_storage,
    local_storage_router,
    validate_key,
)
from tests.support.processes import free_port

MOTO_IGNORES_POST_POLICY = (
    "moto stores presigned POST uploads without checking the policy (size range, content type, "
    "signature, expiry); real S3 refuses them"
)
MOTO_IGNORES_URL_SIGNATURES = (
    "moto serves presigned GET URLs without checking their signature or expiry; real S3 answers 403"
)
PNG = "image/png"
CONTENT = bytes(range(256)) * 8


# --- fixtures -----------------------------------------------------------------------------------


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[None]:
    """Run ``app`` with uvicorn on ``port`` in a background thread until the block ends."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the local storage server did not start")
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def local_storage_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorageConfig]:
    """Local storage settings whose presigned URLs are answered by a running HTTP server."""
    port = free_port()
    config = StorageConfig(
        backend=StorageBackend.LOCAL,
        local_root=str(tmp_path_factory.mktemp("local-storage")),
        local_base_url=f"http://127.0.0.1:{port}",
        signing_key=SecretStr("local-storage-test-signing-key"),
    )
    app = FastAPI()
    install_error_handlers(app)
    # The server has its own instance, as a separate process would: only the folder and the
    # signing key are shared with the instance the tests use.
    app.include_router(local_storage_router(LocalStorage(config)))
    with serving(app, port):
        yield config


@pytest.fixture
def local_storage(local_storage_config: StorageConfig) -> LocalStorage:
    return LocalStorage(local_storage_config)


@pytest.fixture
async def s3_storage(s3_storage_config: StorageConfig) -> AsyncIterator[S3Storage]:
    async with S3Storage(s3_storage_config) as storage:
        yield storage


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    backend: Storage = request.getfixturevalue(f"{request.param}_storage")
    return backend


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        yield client


@pytest.fixture
def key() -> str:
    return f"tests/{uuid.uuid4().hex}/photo.png"


# --- helpers ------------------------------------------------------------------------------------


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


# --- objects ------------------------------------------------------------------------------------


async def test_put_get_round_trip_keeps_bytes_and_content_type(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, CONTENT, PNG)

    assert await storage.get(key) == CONTENT
    response = await http.get(await storage.presign_download(key, expires_in=60))
    assert response.status_code == 200
    assert response.headers["content-type"] == PNG


async def test_put_replaces_bytes_and_content_type(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, b"first", PNG)
    await storage.put(key, b"second", "text/plain")

    assert await storage.get(key) == b"second"
    response = await http.get(await storage.presign_download(key, expires_in=60))
    assert response.content == b"second"
    assert response.headers["content-type"] == "text/plain"


async def test_exists_tells_stored_from_missing(storage: Storage, key: str) -> None:
    assert await storage.exists(key) is False
    await storage.put(key, CONTENT, PNG)
    assert await storage.exists(key) is True


async def test_get_of_missing_object_raises_not_found(storage: Storage, key: str) -> None:
    with pytest.raises(StorageObjectNotFound) as raised:
        await storage.get(key)
    assert isinstance(raised.value, NotFound)
    assert raised.value.error_code == "storage_object_not_found"
    assert raised.value.status_code == 404


async def test_delete_then_get_raises_not_found(storage: Storage, key: str) -> None:
    await storage.put(key, CONTENT, PNG)
    await storage.delete(key)

    assert await storage.exists(key) is False
    with pytest.raises(StorageObjectNotFound):
        await storage.get(key)


async def test_delete_of_missing_object_is_fine(storage: Storage, key: str) -> None:
    await storage.delete(key)
    await storage.delete(key)
    assert await storage.exists(key) is False


async def test_keys_that_look_alike_are_different_objects(storage: Storage, key: str) -> None:
    # "a" and "a/b" cannot both be files in a folder tree; "A" and "a" collide on
    # case-insensitive disks. Each must still be its own object.
    keys = [key, f"{key}/child", key.upper(), f"{key}.meta"]
    for index, each in enumerate(keys):
        await storage.put(each, f"object {index}".encode(), PNG)

    assert [await storage.get(each) for each in keys] == [
        f"object {index}".encode() for index in range(len(keys))
    ]


async def test_unusual_but_valid_keys_work(storage: Storage, key: str) -> None:
    punctuation = f"{key}/Mixed-Case_(1)!*'.x"
    longest = f"{key}/" + "k" * (MAX_KEY_LENGTH - len(key) - 1)
    for each in (punctuation, longest):
        await storage.put(each, CONTENT, PNG)
        assert await storage.get(each) == CONTENT


# --- keys ---------------------------------------------------------------------------------------

BAD_KEYS = [
    pytest.param("", id="empty"),
    pytest.param("/photos/a.png", id="leading-slash"),
    pytest.param("photos/../secrets", id="dot-dot"),
    pytest.param("..", id="only-dot-dot"),
    pytest.param("photos\\a.png", id="backslash"),
    pytest.param("photos/a b.png", id="space"),
    pytest.param("photos/é.png", id="non-ascii"),
    pytest.param("photos/a\n.png", id="newline"),
    pytest.param("photos/a%2e.png", id="percent"),
    pytest.param("photos/a?.png", id="question-mark"),
    pytest.param("photos//a.png", id="empty-segment"),
    pytest.param("photos/", id="trailing-slash"),
    pytest.param("photos/./a.png", id="dot-segment"),
    pytest.param("k" * (MAX_KEY_LENGTH + 1), id="too-long"),
]


@pytest.mark.parametrize("bad_key", BAD_KEYS)
async def test_invalid_keys_are_refused_by_every_operation(storage: Storage, bad_key: str) -> None:
    operations: list[Callable[[], Awaitable[object]]] = [
        lambda: storage.put(bad_key, CONTENT, PNG),
        lambda: storage.get(bad_key),
        lambda: storage.exists(bad_key),
        lambda: storage.delete(bad_key),
        lambda: storage.presign_upload(bad_key, content_type=PNG, max_bytes=10, expires_in=60),
        lambda: storage.presign_download(bad_key, expires_in=60),
    ]
    for operation in operations:
        with pytest.raises(InvalidStorageKey) as raised:
            await operation()
        assert isinstance(raised.value, BadRequest)
        assert raised.value.error_code == "invalid_storage_key"


@pytest.mark.parametrize("bad_key", BAD_KEYS)
def test_validate_key_refuses(bad_key: str) -> None:
    with pytest.raises(InvalidStorageKey):
        validate_key(bad_key)


@pytest.mark.parametrize(
    "good_key", ["a", "photos/2024/a.png", "x/(copy)!*'_-.y", "k" * MAX_KEY_LENGTH]
)
def test_validate_key_accepts(good_key: str) -> None:
    assert validate_key(good_key) == good_key


# --- presigned upload ---------------------------------------------------------------------------


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


# --- presigned download -------------------------------------------------------------------------


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


# --- S3 only ------------------------------------------------------------------------------------


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
