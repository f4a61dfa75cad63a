"""The fake Mux, driven over real HTTP the way Mux's API is: credentials, the ``{"data": ...}``
envelope, direct uploads and the URL the browser PUTs to, assets, live streams, errors in Mux's
shape, fault injection and the developer page."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pickey_sandbox import SandboxConfig, create_app
from tests.support.mux import MUX_AUTH, MuxSandbox, emptied

pytestmark = pytest.mark.e2e

ORIGIN = "https://app.pickey.test"


@pytest.fixture
def mux(sandbox_url: str) -> Iterator[MuxSandbox]:
    with emptied(sandbox_url) as sandbox:
        yield sandbox


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10, auth=MUX_AUTH) as client:
        yield client


def upload_body(**settings: Any) -> dict[str, Any]:
    new_asset_settings = {"playback_policies": ["signed"], "passthrough": "asset-123", **settings}
    return {"cors_origin": ORIGIN, "new_asset_settings": new_asset_settings}


def create_upload(http: httpx.Client, **settings: Any) -> dict[str, Any]:
    response = http.post("/video/v1/uploads", json=upload_body(**settings))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


# --- credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [None, (MUX_AUTH[0], "wrong"), ("someone-else", MUX_AUTH[1]), ("", "")],
    ids=["none", "wrong-secret", "wrong-id", "empty"],
)
def test_the_api_needs_the_access_token(
    mux: MuxSandbox, sandbox_url: str, auth: tuple[str, str] | None
) -> None:
    with httpx.Client(base_url=sandbox_url, timeout=10, auth=auth) as client:
        response = client.post("/video/v1/uploads", json=upload_body())

    assert response.status_code == 401
    assert error_of(response) == {"type": "unauthorized", "messages": ["Unauthorized request"]}
    assert mux.uploads() == []
    assert mux.calls() == [("POST", "/video/v1/uploads", 401)]


# --- direct uploads -------------------------------------------------------------------------


def test_create_upload_answers_a_waiting_upload_with_a_url(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    upload = create_upload(http)

    assert upload["status"] == "waiting"
    assert upload["timeout"] == 3600
    assert upload["cors_origin"] == ORIGIN
    assert upload["new_asset_settings"] == {
        "playback_policies": ["signed"],
        "passthrough": "asset-123",
    }
    assert upload["asset_id"] is None
    assert upload["url"].startswith(f"{mux.base_url}/sandbox/mux/upload-files/{upload['id']}?")
    assert "signature" not in upload
    assert http.get(f"/video/v1/uploads/{upload['id']}").json()["data"] == upload


def test_the_older_playback_policy_field_is_read_too(http: httpx.Client) -> None:
    response = http.post(
        "/video/v1/uploads",
        json={"new_asset_settings": {"playback_policy": "public", "passthrough": "x"}},
    )

    assert response.status_code == 201
    assert response.json()["data"]["new_asset_settings"]["playback_policies"] == ["public"]


@pytest.mark.parametrize(
    ("body", "message_part"),
    [
        (upload_body(passthrough="x" * 256), "at most 255 characters"),
        (upload_body(passthrough=42), "passthrough must be a string"),
        (upload_body(playback_policies=["private"]), "'private' is not one of"),
        (upload_body(playback_policies="signed,public"), "is not one of"),
        ({"new_asset_settings": "signed"}, "must be an object"),
        ({"cors_origin": 7}, "cors_origin must be a string"),
        ([1, 2], "must be a JSON object"),
    ],
    ids=[
        "long-passthrough",
        "number-passthrough",
        "bad-policy",
        "joined",
        "settings",
        "cors",
        "list",
    ],
)
def test_create_upload_refuses_what_mux_refuses(
    http: httpx.Client, mux: MuxSandbox, body: Any, message_part: str
) -> None:
    response = http.post("/video/v1/uploads", json=body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "invalid_parameters"
    assert message_part in error["messages"][0]
    assert mux.uploads() == []


def test_create_upload_refuses_a_body_that_is_not_json(http: httpx.Client) -> None:
    response = http.post(
        "/video/v1/uploads", content=b"{nope", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_parameters"


def test_putting_the_file_creates_a_preparing_asset_with_the_uploads_settings(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    upload = create_upload(http, passthrough="our-asset-id")

    stored = mux.put_file(upload["url"], b"video bytes" * 100)

    assert stored.status_code == 200
    after = http.get(f"/video/v1/uploads/{upload['id']}").json()["data"]
    assert after["status"] == "asset_created"
    asset = http.get(f"/video/v1/assets/{after['asset_id']}").json()["data"]
    assert asset["status"] == "preparing"
    assert asset["passthrough"] == "our-asset-id"
    assert asset["upload_id"] == upload["id"]
    [playback] = asset["playback_ids"]
    assert playback["policy"] == "signed"
    assert "bytes_received" not in asset
    assert mux.state()["assets"][0]["sandbox"]["bytes_received"] == 1100


def test_marking_an_asset_ready_keeps_its_playback_ids(http: httpx.Client, mux: MuxSandbox) -> None:
    upload = create_upload(http, playback_policies=["public"])
    mux.put_file(upload["url"])
    asset_id = http.get(f"/video/v1/uploads/{upload['id']}").json()["data"]["asset_id"]
    preparing = http.get(f"/video/v1/assets/{asset_id}").json()["data"]

    ready = mux.mark_ready(asset_id, duration=12.5, aspect_ratio="9:16")

    assert ready["status"] == "ready"
    assert (ready["duration"], ready["aspect_ratio"]) == (12.5, "9:16")
    assert ready["playback_ids"] == preparing["playback_ids"]
    assert ready["playback_ids"][0]["policy"] == "public"
    assert http.get(f"/video/v1/assets/{asset_id}").json()["data"] == ready


def test_an_empty_file_makes_an_errored_asset(http: httpx.Client, mux: MuxSandbox) -> None:
    upload = create_upload(http)

    mux.put_file(upload["url"], b"")

    [asset] = mux.state()["assets"]
    assert asset["status"] == "errored"
    assert asset["errors"]["type"] == "invalid_input"


def test_the_upload_url_needs_its_signature_and_works_once(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    upload = create_upload(http)
    forged = upload["url"].split("?")[0] + "?signature=forged"

    assert mux.put_file(forged).status_code == 403
    assert mux.put_file(upload["url"]).status_code == 200
    assert mux.put_file(upload["url"]).status_code == 410
    assert len(mux.state()["assets"]) == 1


def test_cancel_stops_a_waiting_upload_only(http: httpx.Client, mux: MuxSandbox) -> None:
    waiting = create_upload(http)
    done = create_upload(http)
    mux.put_file(done["url"])

    cancelled = http.put(f"/video/v1/uploads/{waiting['id']}/cancel")
    too_late = http.put(f"/video/v1/uploads/{done['id']}/cancel")

    assert cancelled.status_code == 200
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert mux.put_file(waiting["url"]).status_code == 410
    assert too_late.status_code == 400
    assert error_of(too_late)["type"] == "invalid_parameters"
    assert len(mux.state()["assets"]) == 1


def test_unknown_ids_are_404_in_mux_shape(http: httpx.Client) -> None:
    for path in (
        "/video/v1/uploads/nope",
        "/video/v1/assets/nope",
        "/video/v1/live-streams/nope",
    ):
        response = http.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["type"] == "not_found"
    assert http.put("/video/v1/uploads/nope/cancel").status_code == 404
    assert http.put("/video/v1/live-streams/nope/disable").status_code == 404


def test_the_upload_url_answers_cors_for_the_uploads_origin_only(
    http: httpx.Client, mux: MuxSandbox, sandbox_url: str
) -> None:
    upload = create_upload(http)
    with httpx.Client(timeout=10) as browser:
        preflight = browser.options(
            upload["url"],
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},
        )
        stranger = browser.options(
            upload["url"],
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"},
        )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in stranger.headers


async def test_a_waiting_upload_times_out() -> None:
    """In-process with a one-second timeout: the real sandbox waits an hour, as Mux does."""
    app = create_app(SandboxConfig(_env_file=None, mux_upload_timeout_seconds=1))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox.test", auth=MUX_AUTH
    ) as client:
        created = await client.post("/video/v1/uploads", json=upload_body())
        upload = created.json()["data"]
        await asyncio.sleep(2.1)
        after = await client.get(f"/video/v1/uploads/{upload['id']}")
        put = await client.put(upload["url"], content=b"late")

    assert after.json()["data"]["status"] == "timed_out"
    assert put.status_code == 410


# --- live streams ---------------------------------------------------------------------------


def test_live_streams_are_created_idle_with_a_key_and_playback_ids(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    response = http.post(
        "/video/v1/live-streams",
        json={
            "playback_policies": ["signed"],
            "passthrough": "post-1",
            "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "post-1"},
        },
    )

    assert response.status_code == 201
    stream = response.json()["data"]
    assert stream["status"] == "idle"
    assert stream["stream_key"]
    assert stream["passthrough"] == "post-1"
    assert stream["active_asset_id"] is None
    [playback] = stream["playback_ids"]
    assert playback["policy"] == "signed"
    assert http.get(f"/video/v1/live-streams/{stream['id']}").json()["data"] == stream


def test_disabling_a_live_stream_answers_empty_data(http: httpx.Client) -> None:
    stream = http.post("/video/v1/live-streams", json={"playback_policies": ["public"]}).json()[
        "data"
    ]

    first = http.put(f"/video/v1/live-streams/{stream['id']}/disable")
    again = http.put(f"/video/v1/live-streams/{stream['id']}/disable")

    assert (first.status_code, first.json()) == (200, {"data": {}})
    assert again.status_code == 200
    assert http.get(f"/video/v1/live-streams/{stream['id']}").json()["data"]["status"] == "disabled"


def test_live_stream_validation(http: httpx.Client, mux: MuxSandbox) -> None:
    response = http.post("/video/v1/live-streams", json={"playback_policies": ["drm"]})

    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_parameters"
    assert mux.live_streams() == []


# --- faults ---------------------------------------------------------------------------------


def test_injected_failures_hit_the_next_api_calls_then_stop(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    mux.fail_next(2, 500)

    first = http.post("/video/v1/uploads", json=upload_body())
    second = http.get("/video/v1/uploads/whatever")
    third = http.post("/video/v1/uploads", json=upload_body())

    assert (first.status_code, second.status_code, third.status_code) == (500, 500, 201)
    assert error_of(first)["type"] == "internal_server_error"
    assert len(mux.uploads()) == 1
    assert [status for _, _, status in mux.calls()] == [500, 500, 201]


def test_a_rate_limit_says_when_to_come_back(http: httpx.Client, mux: MuxSandbox) -> None:
    mux.fail_next(1, 429, retry_after_seconds=2.5)

    response = http.get("/video/v1/assets/whatever")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert error_of(response)["type"] == "too_many_requests"


def test_a_gateway_failure_is_an_html_page(http: httpx.Client, mux: MuxSandbox) -> None:
    mux.fail_next(1, 503)

    response = http.get("/video/v1/assets/whatever")

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")


def test_faults_never_touch_the_upload_url_nor_bad_credentials(
    http: httpx.Client, mux: MuxSandbox, sandbox_url: str
) -> None:
    upload = create_upload(http)
    mux.fail_next(1, 500)

    assert mux.put_file(upload["url"]).status_code == 200
    with httpx.Client(base_url=sandbox_url, timeout=10) as anonymous:
        assert anonymous.get("/video/v1/assets/x").status_code == 401
    assert http.get("/video/v1/assets/x").status_code == 500


def test_unknown_fault_fields_are_refused(mux: MuxSandbox, sandbox_url: str) -> None:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        response = client.post("/sandbox/mux/faults", json={"fail_next": 1, "status": 418})

    assert response.status_code == 422


# --- developer page -------------------------------------------------------------------------


def test_the_page_lists_everything_escaped(
    http: httpx.Client, mux: MuxSandbox, sandbox_url: str
) -> None:
    upload = create_upload(http, passthrough="<script>alert(1)</script>")
    mux.put_file(upload["url"])
    http.post("/video/v1/live-streams", json={"playback_policies": ["public"]})

    with httpx.Client(base_url=sandbox_url, timeout=10) as browser:
        page = browser.get("/sandbox/mux")
        index = browser.get("/")

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert upload["id"] in page.text
    assert "Ready</button>" in page.text
    assert 'href="/sandbox/mux"' in index.text


def test_the_pages_ready_button_finishes_encoding_and_returns_to_the_page(
    http: httpx.Client, mux: MuxSandbox, sandbox_url: str
) -> None:
    upload = create_upload(http)
    mux.put_file(upload["url"])
    [asset] = mux.state()["assets"]

    with httpx.Client(base_url=sandbox_url, timeout=10) as browser:
        response = browser.post(
            f"/sandbox/mux/assets/{asset['id']}/ready", headers={"Accept": "text/html"}
        )

    assert response.status_code == 303
    assert response.headers["location"] == "/sandbox/mux"
    assert mux.state()["assets"][0]["status"] == "ready"
