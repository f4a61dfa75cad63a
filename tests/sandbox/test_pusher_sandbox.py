"""The fake Pusher checks requests exactly like Pusher: the documented signing vector, 401 for a
bad key, signature, timestamp or body, Pusher's limits on data, channels and batches, fault
injection, and the events it stores for inspection. Requests are built by hand here (not with
Pickey's client) so the sandbox is checked against the wire format itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pickey_sandbox.pusher.signature import expected_signature, string_to_sign
from tests.support.sandbox import PusherSandbox

# The worked example of Pusher's authentication documentation.
VECTOR_SECRET = "7ad3773142a6692b25b8"
VECTOR_QUERY = {
    "auth_key": "278d425bdf160c739803",
    "auth_timestamp": "1353088179",
    "auth_version": "1.0",
    "body_md5": "ec365a775a4cd0599faeb73354201b6f",
}
VECTOR_SIGNATURE = "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"


def test_the_sandbox_signs_the_documented_vector_like_pusher() -> None:
    body = b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'

    assert hashlib.md5(body).hexdigest() == VECTOR_QUERY["body_md5"]
    assert string_to_sign("POST", "/apps/3/events", VECTOR_QUERY) == (
        "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179"
        "&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f"
    )
    assert expected_signature(VECTOR_SECRET, "POST", "/apps/3/events", VECTOR_QUERY) == (
        VECTOR_SIGNATURE
    )


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        yield client


def signed_post(
    http: httpx.Client,
    sandbox: PusherSandbox,
    endpoint: str,
    payload: Any,
    *,
    secret: str | None = None,
    key: str | None = None,
    timestamp: int | None = None,
    body: bytes | None = None,
    tamper: bytes | None = None,
    app_id: str | None = None,
) -> httpx.Response:
    """POST ``payload`` signed by hand; ``tamper`` replaces the body after signing."""
    path = f"/apps/{app_id or sandbox.app_id}/{endpoint}"
    raw = body if body is not None else json.dumps(payload).encode()
    query = {
        "auth_key": key or sandbox.key,
        "auth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "auth_version": "1.0",
        "body_md5": hashlib.md5(raw).hexdigest(),
    }
    signed = "POST\n" + path + "\n" + "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    query["auth_signature"] = hmac.new(
        (secret or sandbox.secret).encode(), signed.encode(), hashlib.sha256
    ).hexdigest()
    return http.post(
        path,
        params=query,
        content=tamper if tamper is not None else raw,
        headers={"Content-Type": "application/json"},
    )


EVENT = {"name": "notification", "channels": ["private-user-1", "private-user-2"], "data": "{}"}


def test_a_signed_trigger_publishes_one_event_per_channel(
    http: httpx.Client, pusher_sandbox: PusherSandbox
) -> None:
    response = signed_post(http, pusher_sandbox, "events", EVENT)

    assert (response.status_code, response.json()) == (200, {})
    events = pusher_sandbox.events()
    assert [(e["channel"], e["name"], e["data"], e["call"]) for e in events] == [
        ("private-user-1", "notification", "{}", 1),
        ("private-user-2", "notification", "{}", 1),
    ]
    assert pusher_sandbox.events(channel="private-user-2")[0]["channel"] == "private-user-2"
    assert pusher_sandbox.stats() == {"calls": 1, "events": 2, "refused": 0}


def test_a_signed_batch_publishes_each_event(
    http: httpx.Client, pusher_sandbox: PusherSandbox
) -> None:
    batch = [
        {"channel": f"private-user-{n}", "name": "notification", "data": str(n)} for n in range(10)
    ]

    response = signed_post(http, pusher_sandbox, "batch_events", {"batch": batch})

    assert response.status_code == 200
    assert [event["data"] for event in pusher_sandbox.events()] == [str(n) for n in range(10)]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"secret": "not-the-secret"}, "Invalid signature"),
        ({"key": "another-key"}, "Unknown auth_key"),
        ({"timestamp": -601}, "Timestamp expired"),
        ({"timestamp": +601}, "Timestamp expired"),
        ({"tamper": b'{"name":"x","channels":["private-user-9"],"data":"{}"}'}, "body_md5"),
    ],
)
def test_badly_signed_requests_are_refused_with_401(
    http: httpx.Client, pusher_sandbox: PusherSandbox, change: dict[str, Any], reason: str
) -> None:
    if "timestamp" in change:  # an offset from now
        change = {"timestamp": int(time.time()) + change["timestamp"]}
    response = signed_post(http, pusher_sandbox, "events", EVENT, **change)

    assert response.status_code == 401
    assert reason in response.text
    assert pusher_sandbox.events() == []
    assert pusher_sandbox.stats()["refused"] == 1


def test_an_unsigned_request_and_an_unknown_app_are_refused(
    http: httpx.Client, pusher_sandbox: PusherSandbox
) -> None:
    unsigned = http.post(f"/apps/{pusher_sandbox.app_id}/events", json=EVENT)
    unknown = signed_post(http, pusher_sandbox, "events", EVENT, app_id="999")

    assert (unsigned.status_code, unknown.status_code) == (401, 404)
    assert pusher_sandbox.events() == []


@pytest.mark.parametrize(
    ("endpoint", "payload", "status", "reason"),
    [
        ("events", {**EVENT, "data": "x" * (10 * 1024 + 1)}, 413, "Payload too large"),
        ("events", {**EVENT, "channels": [f"c{n}" for n in range(101)]}, 400, "Too many channels"),
        ("events", {**EVENT, "channels": ["bad channel!"]}, 400, "Invalid channel name"),
        ("events", {**EVENT, "channels": ["c" * 165]}, 400, "Invalid channel name"),
        ("events", {**EVENT, "data": {"not": "a string"}}, 400, "data must be a string"),
        ("events", {"channels": ["c"], "data": "{}"}, 400, "Missing event name"),
        ("events", {**EVENT, "socket_id": "nope"}, 400, "Invalid socket_id"),
        (
            "batch_events",
            {"batch": [{"channel": f"c{n}", "name": "e", "data": "{}"} for n in range(11)]},
            400,
            "Batch too large",
        ),
        ("batch_events", {"batch": []}, 400, "non-empty"),
    ],
)
def test_pushers_limits_are_enforced(
    http: httpx.Client,
    pusher_sandbox: PusherSandbox,
    endpoint: str,
    payload: dict[str, Any],
    status: int,
    reason: str,
) -> None:
    response = signed_post(http, pusher_sandbox, endpoint, payload)

    assert response.status_code == status
    assert reason in response.text
    assert pusher_sandbox.events() == []


def test_exactly_at_the_limits_is_accepted(
    http: httpx.Client, pusher_sandbox: PusherSandbox
) -> None:
    payload = {
        "name": "e" * 200,
        "channels": [f"c{n}" for n in range(100)],
        "data": "x" * (10 * 1024),
    }

    assert signed_post(http, pusher_sandbox, "events", payload).status_code == 200
    assert pusher_sandbox.stats()["events"] == 100


def test_not_json_is_a_bad_request(http: httpx.Client, pusher_sandbox: PusherSandbox) -> None:
    response = signed_post(http, pusher_sandbox, "events", None, body=b"{nope")

    assert response.status_code == 400


@pytest.mark.parametrize("status", [403, 429, 500, 503])
def test_faults_fail_the_next_signed_calls_then_stop(
    http: httpx.Client, pusher_sandbox: PusherSandbox, status: int
) -> None:
    pusher_sandbox.fail_next(2, status, retry_after_seconds=3)

    answers = [signed_post(http, pusher_sandbox, "events", EVENT) for _ in range(3)]

    assert [a.status_code for a in answers] == [status, status, 200]
    if status == 429:
        assert answers[0].headers["Retry-After"] == "3"
    assert pusher_sandbox.stats() == {"calls": 1, "events": 2, "refused": 2}


def test_the_page_shows_events_escaped(http: httpx.Client, pusher_sandbox: PusherSandbox) -> None:
    signed_post(http, pusher_sandbox, "events", {**EVENT, "data": "<script>alert(1)</script>"})

    page = http.get("/sandbox/pusher")

    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text
    assert "<script>" not in page.text
