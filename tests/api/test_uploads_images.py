"""Image uploads through the api: presigned S3 form (real S3 server over HTTP), confirm, and the
processing job written to the outbox exactly once; every refusal with its code and no writes."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pickey_api.settings import ApiSettings
from pickey_core.models import MediaAsset, MediaKind, MediaStatus, OutboxMessage
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from tests.support.api_users import ApiUser, UserFactory
from tests.support.creators import become_creator
from tests.support.db import all_rows, count
from tests.support.settings import TestEnvironment

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def api_settings(test_env: TestEnvironment, s3_storage_config: StorageConfig) -> ApiSettings:
    """The api on the real S3 server, with a small image limit to test against."""
    return test_env.api(storage=s3_storage_config).model_copy(
        update={"image_upload_max_bytes": 1_000_000}
    )


@pytest.fixture(autouse=True)
async def close_storage(api_app: FastAPI) -> AsyncIterator[None]:
    """The in-process app runs no lifespan, so its S3 client is closed here."""
    yield
    await api_app.state.storage.close()


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """Plays the browser talking to S3 directly."""
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        yield client


@pytest.fixture
async def creator(api_resources: Resources, make_user: UserFactory) -> ApiUser:
    user = await make_user()
    await become_creator(user.client)
    return user


async def start_upload(
    user: ApiUser, content_type: str = "image/jpeg", byte_size: int = len(JPEG)
) -> httpx.Response:
    return await user.client.post(
        "/api/v1/media/images", json={"content_type": content_type, "byte_size": byte_size}
    )


async def post_to_s3(browser: httpx.AsyncClient, upload: dict[str, Any], content: bytes) -> None:
    response = await browser.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("photo.jpg", content, upload["fields"]["Content-Type"])},
    )
    assert response.status_code in (200, 204), response.text


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


async def process_image_jobs(resources: Resources) -> list[OutboxMessage]:
    return await all_rows(resources, OutboxMessage, OutboxMessage.job_name == "media.process_image")


# --- the happy path -------------------------------------------------------------------------


async def test_presign_upload_confirm_enqueues_processing_once(
    api_resources: Resources, creator: ApiUser, browser: httpx.AsyncClient
) -> None:
    started = await start_upload(creator)
    assert started.status_code == 201, started.text
    body = started.json()
    asset_id = body["asset"]["id"]
    assert body["asset"]["status"] == "waiting"
    assert body["asset"]["kind"] == "image"

    await post_to_s3(browser, body["upload"], JPEG)
    confirmed = await creator.client.post(f"/api/v1/media/{asset_id}/confirm")
    again = await creator.client.post(f"/api/v1/media/{asset_id}/confirm")

    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "uploaded"
    assert again.status_code == 200
    assert again.json()["status"] == "uploaded"
    [job] = await process_image_jobs(api_resources)
    assert job.queue == "pickey:queue:media"
    assert job.payload == {"asset_id": asset_id}
    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.status is MediaStatus.UPLOADED
    assert asset.owner_id == creator.id
    assert asset.post_id is None


async def test_the_form_allows_exactly_the_declared_type_and_size_at_a_random_key(
    api_resources: Resources, creator: ApiUser
) -> None:
    response = await start_upload(creator, "image/png", 4321)

    upload = response.json()["upload"]
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.original_key is not None
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", 1, 4321] in policy["conditions"]
    assert {"key": asset.original_key} in policy["conditions"]
    assert upload["fields"]["key"] == asset.original_key
    # Unguessable: random, and derived from nothing anyone knows.
    assert asset.original_key.startswith("originals/")
    assert len(asset.original_key) >= len("originals/") + 32
    assert str(creator.id) not in asset.original_key
    assert str(asset.id) not in asset.original_key
    assert (asset.content_type, asset.byte_size) == ("image/png", 4321)
    other = (await start_upload(creator, "image/png", 4321)).json()["upload"]["fields"]["key"]
    assert other != asset.original_key


@pytest.mark.parametrize(
    "content_type",
    ["image/jpeg", "image/png", "image/webp", "image/heic", "image/gif", "IMAGE/JPEG"],
)
async def test_every_accepted_image_type(creator: ApiUser, content_type: str) -> None:
    response = await start_upload(creator, content_type)

    assert response.status_code == 201, response.text
    assert response.json()["upload"]["fields"]["Content-Type"] == content_type.lower()


async def test_the_owner_reads_status_and_ready_urls(
    api_resources: Resources, creator: ApiUser
) -> None:
    asset_id = (await start_upload(creator)).json()["asset"]["id"]

    waiting = await creator.client.get(f"/api/v1/media/{asset_id}")
    async with api_resources.unit_of_work() as session:
        asset = await session.get(MediaAsset, uuid.UUID(asset_id))
        assert asset is not None
        asset.status = MediaStatus.FAILED
        asset.failure_reason = "cannot identify image file <_io.BytesIO object>"
        asset.failure_code = "unsupported_file"
    failed = await creator.client.get(f"/api/v1/media/{asset_id}")

    assert waiting.status_code == 200
    assert waiting.json()["status"] == "waiting"
    assert waiting.json()["urls"] == {}
    assert failed.json()["status"] == "failed"
    # Our reason in both languages; the decoder's message stays with us, for support.
    assert failed.json()["failure"]["code"] == "unsupported_file"
    assert failed.json()["failure"]["text"]["cs"].startswith("Tento typ souboru neumíme")
    assert failed.json()["failure_reason"].startswith("We cannot process this type of file.")
    assert "BytesIO" not in failed.text


# --- refusals -------------------------------------------------------------------------------


async def test_confirm_before_the_file_arrived_is_409_and_changes_nothing(
    api_resources: Resources, creator: ApiUser
) -> None:
    asset_id = (await start_upload(creator)).json()["asset"]["id"]

    response = await creator.client.post(f"/api/v1/media/{asset_id}/confirm")

    assert response.status_code == 409
    assert error_code(response) == "upload_missing"
    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.status is MediaStatus.WAITING
    assert await process_image_jobs(api_resources) == []


async def test_someone_elses_upload_looks_missing(
    api_resources: Resources,
    creator: ApiUser,
    make_user: UserFactory,
    browser: httpx.AsyncClient,
) -> None:
    body = (await start_upload(creator)).json()
    await post_to_s3(browser, body["upload"], JPEG)
    asset_id = body["asset"]["id"]
    stranger = await make_user()
    other_creator = await make_user()
    await become_creator(other_creator.client, "other-creator")

    for user in (stranger, other_creator):
        confirm = await user.client.post(f"/api/v1/media/{asset_id}/confirm")
        read = await user.client.get(f"/api/v1/media/{asset_id}")
        assert (confirm.status_code, error_code(confirm)) == (404, "media_not_found")
        assert (read.status_code, error_code(read)) == (404, "media_not_found")

    [asset] = await all_rows(api_resources, MediaAsset)
    assert asset.status is MediaStatus.WAITING
    assert await process_image_jobs(api_resources) == []


async def test_an_unknown_asset_is_404(creator: ApiUser) -> None:
    response = await creator.client.post(f"/api/v1/media/{uuid.uuid4()}/confirm")

    assert (response.status_code, error_code(response)) == (404, "media_not_found")


async def test_a_bad_asset_id_names_nothing(creator: ApiUser) -> None:
    response = await creator.client.get("/api/v1/media/not-a-uuid")

    assert (response.status_code, error_code(response)) == (404, "not_found")
    # /media/images is the upload route (POST), not an asset id: GET there is a 405.
    wrong_method = await creator.client.get("/api/v1/media/images")
    assert (wrong_method.status_code, error_code(wrong_method)) == (405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "POST"


async def test_videos_are_not_confirmed_by_the_browser(
    api_resources: Resources, creator: ApiUser
) -> None:
    async with api_resources.unit_of_work() as session:
        video = MediaAsset(owner_id=creator.id, kind=MediaKind.VIDEO, status=MediaStatus.WAITING)
        session.add(video)
        await session.flush()
        video_id = video.id

    response = await creator.client.post(f"/api/v1/media/{video_id}/confirm")

    assert (response.status_code, error_code(response)) == (409, "not_an_image")
    assert await process_image_jobs(api_resources) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"content_type": "image/svg+xml", "byte_size": 100}, "unsupported_image_type"),
        ({"content_type": "application/pdf", "byte_size": 100}, "unsupported_image_type"),
        ({"content_type": "image/jpeg; charset=x", "byte_size": 100}, "unsupported_image_type"),
        ({"content_type": "image/jpeg", "byte_size": 1_000_001}, "image_too_large"),
        ({"content_type": "image/jpeg", "byte_size": 0}, "validation_error"),
        ({"content_type": "image/jpeg", "byte_size": -5}, "validation_error"),
        ({"content_type": "image/jpeg", "byte_size": "big"}, "validation_error"),
        ({"content_type": "image/jpeg"}, "validation_error"),
        ({"content_type": "x" * 101, "byte_size": 1}, "validation_error"),
        (
            {"content_type": "image/jpeg", "byte_size": 10, "original_key": "originals/mine"},
            "validation_error",
        ),
        (
            {"content_type": "image/jpeg", "byte_size": 10, "owner_id": str(uuid.uuid4())},
            "validation_error",
        ),
    ],
    ids=[
        "svg",
        "pdf",
        "parameters",
        "too-large",
        "zero",
        "negative",
        "not-a-number",
        "no-size",
        "long-type",
        "mass-assign-key",
        "mass-assign-owner",
    ],
)
async def test_bad_upload_requests_are_refused_and_write_nothing(
    api_resources: Resources, creator: ApiUser, body: dict[str, Any], code: str
) -> None:
    response = await creator.client.post("/api/v1/media/images", json=body)

    assert response.status_code == 422, response.text
    assert error_code(response) == code
    assert await count(api_resources, MediaAsset) == 0


async def test_the_size_limit_itself_is_allowed(creator: ApiUser) -> None:
    response = await start_upload(creator, byte_size=1_000_000)

    assert response.status_code == 201


async def test_only_creators_upload(api_resources: Resources, make_user: UserFactory) -> None:
    fan = await make_user()

    response = await start_upload(fan)

    assert (response.status_code, error_code(response)) == (403, "not_a_creator")
    assert await count(api_resources, MediaAsset) == 0


async def test_anonymous_and_forged_requests_are_refused(
    api_resources: Resources, api_client: httpx.AsyncClient, creator: ApiUser
) -> None:
    anonymous = await api_client.post(
        "/api/v1/media/images", json={"content_type": "image/jpeg", "byte_size": 10}
    )
    forged = await creator.client.post(
        "/api/v1/media/images",
        json={"content_type": "image/jpeg", "byte_size": 10},
        headers={"X-CSRF-Token": "forged"},
    )

    assert (anonymous.status_code, error_code(anonymous)) == (401, "not_authenticated")
    assert (forged.status_code, error_code(forged)) == (403, "csrf_failed")
    assert await count(api_resources, MediaAsset) == 0


async def test_a_form_body_is_refused(api_resources: Resources, creator: ApiUser) -> None:
    response = await creator.client.post(
        "/api/v1/media/images", data={"content_type": "image/jpeg", "byte_size": "10"}
    )

    assert (response.status_code, error_code(response)) == (415, "json_required")
    assert await count(api_resources, MediaAsset) == 0


async def test_the_owner_gets_working_urls_once_processed(
    api_resources: Resources, creator: ApiUser, browser: httpx.AsyncClient
) -> None:
    """After the media service made variants, the owner's view carries working URLs."""
    body = (await start_upload(creator)).json()
    await post_to_s3(browser, body["upload"], JPEG)
    await creator.client.post(f"/api/v1/media/{body['asset']['id']}/confirm")
    async with api_resources.unit_of_work() as session:
        asset = await session.get(MediaAsset, uuid.UUID(body["asset"]["id"]))
        assert asset is not None
        assert asset.original_key is not None
        asset.status = MediaStatus.READY
        asset.variants = {"original": {"key": asset.original_key}}
        asset.width, asset.height = 800, 600

    read = await creator.client.get(f"/api/v1/media/{body['asset']['id']}")

    assert read.json()["status"] == "ready"
    downloaded = await browser.get(read.json()["urls"]["original"])
    assert downloaded.status_code == 200
    assert downloaded.content == JPEG
