"""Under `just dev`-like settings (local storage, the JSON API's 1 MiB body limit) a creator
uploads a normal phone photo of 5 MB: the upload route obeys its presigned policy (25 MB), not
the API's body limit, which still refuses a large JSON body."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image

from tests.support.accounts import verify_email
from tests.support.processes import running_all, web
from tests.support.settings import TestEnvironment

FIVE_MB = 5 * 1024 * 1024


def photo_of(size: int) -> bytes:
    """A real JPEG padded (with an application segment after the image) to ``size`` bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    return jpeg + b"\0" * (size - len(jpeg))


def test_a_5_mb_photo_uploads_to_local_storage(
    test_env: TestEnvironment, clean_state: None, tmp_path: Path
) -> None:
    api, base_url = web("api")
    env = {
        **test_env.variables(),
        "PICKEY_SESSION__COOKIE_SECURE": "false",
        "PICKEY_STORAGE__BACKEND": "local",
        "PICKEY_STORAGE__LOCAL_ROOT": str(tmp_path / "storage"),
        "PICKEY_STORAGE__LOCAL_BASE_URL": base_url,
        "PICKEY_MAX_REQUEST_BODY_BYTES": str(1024 * 1024),
    }
    with (
        running_all([api], env=env, log_dir=tmp_path),
        httpx.Client(base_url=base_url, timeout=60) as creator,
    ):
        email = "fotograf@example.cz"
        signed_up = creator.post(
            "/api/v1/accounts",
            json={"email": email, "password": "fotky-z-telefonu", "display_name": "Foto"},
        )
        assert signed_up.status_code == 201, signed_up.text
        verify_email(test_env.database_url, email)
        creator.headers["X-CSRF-Token"] = signed_up.json()["csrf_token"]
        became = creator.post("/api/v1/creators", json={"slug": "foto", "display_name": "Foto"})
        assert became.status_code == 201, became.text
        creator.headers["X-CSRF-Token"] = creator.cookies["pickey_csrf"]

        photo = photo_of(FIVE_MB)
        started = creator.post(
            "/api/v1/media/images", json={"content_type": "image/jpeg", "byte_size": len(photo)}
        )
        assert started.status_code == 201, started.text
        upload = started.json()["upload"]
        assert upload["url"].startswith(base_url)
        stored = httpx.post(
            upload["url"],
            data=upload["fields"],
            files={"file": ("IMG_0001.jpg", photo, "image/jpeg")},
            timeout=60,
        )
        assert stored.status_code == 204, stored.text
        [saved] = [p for p in (tmp_path / "storage").rglob("*") if p.is_file()]
        assert saved.read_bytes().endswith(photo)  # the stored object holds the whole photo

        # The JSON API keeps its own limit.
        big_json = creator.post(
            "/api/v1/media/images", content=b'{"x": "' + b"a" * FIVE_MB + b'"}',
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        assert big_json.status_code == 413
        assert big_json.json()["error"]["code"] == "payload_too_large"
