"""PostgreSQL or Redis stopped (connections refused) or frozen (SIGSTOP: connections open, no
answer) under every HTTP service: each request answers 503 with the error shape and
Retry-After, naming the dependency, within the configured timeouts; never a 500, never a
dropped connection. Afterwards the same requests succeed again (nothing stays broken)."""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.faults.report import FaultRow
from tests.support.mailgun_webhooks import signed
from tests.support.mux_events import body_of, event, signed_headers
from tests.support.own_instances import OwnPostgres, OwnRedis, own_postgres
from tests.support.processes import RunningProcess, running_all, web
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(400)]

MUX_SECRET = "faults-mux-webhook-secret-0123456789"
# Tight limits, so a frozen dependency is an error in seconds (production defaults are larger).
TIMEOUTS = {
    "PICKEY_DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
    "PICKEY_DATABASE_POOL_TIMEOUT_SECONDS": "2",
    "PICKEY_DATABASE_COMMAND_TIMEOUT_SECONDS": "3",
    "PICKEY_DATABASE_STATEMENT_TIMEOUT_SECONDS": "2",
    "PICKEY_REDIS_CONNECT_TIMEOUT_SECONDS": "1",
    "PICKEY_REDIS_COMMAND_TIMEOUT_SECONDS": "2",
    "PICKEY_MUX_WEBHOOK__SECRETS": MUX_SECRET,
}


@dataclass(frozen=True)
class Call:
    service: str
    method: str
    path: str
    needs: frozenset[str]  # the dependencies this request reaches
    body: bytes | None = None
    headers: dict[str, str] | None = None


def calls() -> list[Call]:
    """A request per service that reaches the database and/or Redis, and each /readyz."""
    mux_body = body_of(
        event(
            "video.upload.cancelled",
            {"id": f"upload-{uuid.uuid4().hex[:8]}"},
            at=datetime.now(UTC),
        )
    )
    both = frozenset({"database", "redis"})
    return [
        *(Call(name, "GET", "/readyz", both) for name in SERVICES),
        Call(
            "api",
            "POST",
            "/api/v1/auth/login",
            both,
            json.dumps({"email": "fan@example.cz", "password": "wrong-password"}).encode(),
            {"content-type": "application/json"},
        ),
        Call(
            "api",
            "GET",
            "/api/v1/auth/session",
            frozenset({"redis"}),
            headers={"cookie": "pickey_session=" + uuid.uuid4().hex},
        ),
        Call(
            "payments",
            "GET",
            "/payments/v1/memberships",
            frozenset({"redis"}),
            headers={"cookie": "pickey_session=" + uuid.uuid4().hex},
        ),
        Call("media", "POST", "/webhooks/mux", frozenset({"database"}), mux_body, {}),
        Call(
            "notifications",
            "POST",
            "/webhooks/mailgun",
            frozenset({"database"}),
            json.dumps(
                signed({"event": "delivered", "id": uuid.uuid4().hex, "recipient": "a@b.cz"})
            ).encode(),
            {"content-type": "application/json"},
        ),
    ]


SERVICES = ("api", "payments", "media", "notifications")
SERVER_ERRORS_BUT_503 = frozenset(range(500, 600)) - {503}


@dataclass
class Outcome:
    call: Call
    status: int | None  # None: no answer (dropped connection, client timeout)
    retry_after: str | None
    code: str | None
    locs: list[object]
    seconds: float


async def _send(http: httpx.AsyncClient, urls: dict[str, str], call: Call) -> Outcome:
    headers = dict(call.headers or {})
    if call.service == "media" and call.body is not None:
        headers = {**signed_headers(call.body, MUX_SECRET), "content-type": "application/json"}
    started = time.monotonic()
    try:
        response = await http.request(
            call.method, urls[call.service] + call.path, content=call.body, headers=headers
        )
    except httpx.HTTPError:
        return Outcome(call, None, None, None, [], time.monotonic() - started)
    elapsed = time.monotonic() - started
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    return Outcome(
        call,
        response.status_code,
        response.headers.get("retry-after"),
        error.get("code"),
        [loc for detail in error.get("details", []) for loc in detail.get("loc", [])],
        elapsed,
    )


async def _round(urls: dict[str, str]) -> list[Outcome]:
    async with httpx.AsyncClient(timeout=30) as http:
        return list(await asyncio.gather(*(_send(http, urls, call) for call in calls())))


@pytest.fixture
async def services(
    redis_server: OwnRedis, sandbox_url: str, tmp_path: Path
) -> AsyncIterator[tuple[dict[str, str], dict[str, RunningProcess], OwnPostgres]]:
    """The four web services on a PostgreSQL and a Redis of this test's own."""
    async with own_postgres() as postgres:
        env = TestEnvironment(postgres.url(), redis_server.url, sandbox_url)
        started = [web(name) for name in SERVICES]
        urls = {name: url for name, (_, url) in zip(SERVICES, started, strict=True)}
        with running_all(
            [service for service, _ in started],
            env={**env.variables(), **TIMEOUTS},
            log_dir=tmp_path,
            timeout=180,  # four servers importing at once on a busy machine
        ) as processes:
            yield urls, processes, postgres


FAULTS = ("database stopped", "database frozen", "redis stopped", "redis frozen")


async def test_outages_answer_503_naming_the_dependency_in_every_service(
    services: tuple[dict[str, str], dict[str, RunningProcess], OwnPostgres],
    redis_server: OwnRedis,
    fault_report: Callable[[FaultRow], None],
) -> None:
    urls, processes, postgres = services
    for _ in range(10):  # healthy first (a busy host can make a readiness check time out)
        await _until_ready(urls)
        healthy = await _round(urls)
        if all(o.status is not None and o.status < 500 for o in healthy):
            break
    else:
        raise AssertionError([(o.call.path, o.status, o.code) for o in healthy])

    problems: list[str] = []
    for fault in FAULTS:
        dependency = "database" if fault.startswith("database") else "redis"
        server = postgres if dependency == "database" else redis_server
        if fault.endswith("stopped"):
            server.stop(signal.SIGKILL)
        else:
            server.freeze()
        try:
            outcomes = [o for o in await _round(urls) if dependency in o.call.needs]
        finally:
            if fault.endswith("stopped"):
                server.start()
            else:
                server.thaw()
        wrong = [
            f"{fault}: {o.call.service} {o.call.path} -> {o.status} {o.code} {o.locs}"
            for o in outcomes
            if o.status != 503 or o.retry_after is None or dependency not in o.locs
        ]
        problems += wrong
        fault_report(
            FaultRow(
                fault=f"{fault} under the four web services",
                goal="503 + Retry-After naming it; 0 5xx other than 503, 0 dropped",
                server_errors=sum(1 for o in outcomes if o.status in SERVER_ERRORS_BUT_503),
                failed_requests=sum(1 for o in outcomes if o.status is None),
                notes=f"{len(outcomes)} requests, slowest {max(o.seconds for o in outcomes):.1f}s",
            )
        )
        # Back to normal once the dependency is back (pools reconnect by themselves).
        await _until_ready(urls)

    assert problems == []
    assert all(p.process.poll() is None for p in processes.values())


async def _until_ready(urls: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        for url in urls.values():
            for _ in range(200):
                try:
                    if (await http.get(url + "/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"{url} not ready again")
