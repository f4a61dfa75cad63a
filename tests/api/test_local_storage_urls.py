"""In development the api serves the local storage backend's presigned URLs over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from pickey_api.app import create_app
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from pickey_core.storage import LocalStorage
from tests.support.settings import TestEnvironment


async def test_presigned_upload_and_download_through_the_api(
    test_env: TestEnvironment, api_resources: Resources, tmp_path: Path
) -> None:
    storage_config = StorageConfig(local_root=str(tmp_path), local_base_url="https://api.test")
    app = create_app(test_env.api(storage=storage_config), resources=api_resources)
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    upload = await storage.presign_upload(
        "originals/abc.jpg", content_type="image/jpeg", max_bytes=1024, expires_in=60
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.test") as client:
        stored = await client.post(
            upload.url, data=upload.fields, files={"file": ("a.jpg", b"\xff\xd8jpeg", "image/jpeg")}
        )
        assert stored.status_code == 204, stored.text

        url = await storage.presign_download("originals/abc.jpg", expires_in=60)
        downloaded = await client.get(url)

    assert downloaded.status_code == 200
    assert downloaded.content == b"\xff\xd8jpeg"
    assert downloaded.headers["content-type"] == "image/jpeg"
