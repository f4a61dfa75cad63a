"""A rolling update behind a real load balancer drops nothing: two api replicas (uvicorn, their
real entry point) behind Debian's HAProxy health-checking ``/readyz``; while a bounded request
loop runs, each replica is replaced the way the chart's rolling update does it (maxSurge 1,
maxUnavailable 0): the new replica starts and becomes ready, the old one gets SIGTERM, answers
``/readyz`` 503 (draining) while still serving so HAProxy moves traffic away, then finishes
in-flight requests and exits 0. Not one request fails."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import httpx
import pytest

from pickey_core.resources import Resources
from tests.faults.haproxy import Balancer, haproxy
from tests.faults.report import FaultRow
from tests.faults.stack import truncate
from tests.support import factories
from tests.support.own_instances import OwnPostgres, OwnRedis
from tests.support.processes import RunningProcess, free_port, python_command, running
from tests.support.settings import TestEnvironment

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(300)]

DRAIN_SECONDS = 3  # HAProxy checks every 0.3 s and takes a replica out after two failures
MAX_REQUESTS = 4000
CONCURRENCY = 4


def _replica(
    env: dict[str, str], port: int, folder: Path, name: str
) -> AbstractContextManager[RunningProcess]:
    return running(
        python_command("pickey_api", "serve"),
        env={
            **env,
            "PICKEY_PORT": str(port),
            "PICKEY_SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
            "PICKEY_GRACEFUL_SHUTDOWN_SECONDS": "10",
        },
        log_path=folder / f"{name}.log",
        ready_url=f"http://127.0.0.1:{port}/readyz",
        timeout=120,
    )


async def _until_state(balancer: Balancer, name: str, state: str) -> None:
    for _ in range(600):
        if (await asyncio.to_thread(balancer.states)).get(name) == state:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{name} never {state}: {balancer.states()}")


async def test_replacing_api_replicas_one_at_a_time_fails_no_request(
    fault_postgres: OwnPostgres,
    redis_server: OwnRedis,
    sandbox_url: str,
    fault_report: Callable[[FaultRow], None],
    tmp_path: Path,
) -> None:
    await truncate(fault_postgres)
    test_env = TestEnvironment(fault_postgres.url(), redis_server.url, sandbox_url)
    resources = await Resources.open(test_env.api())
    try:
        async with resources.unit_of_work() as session:
            creator = await factories.creator(session)
    finally:
        await resources.close()
    env = test_env.variables()
    slots = {"old-a": free_port(), "old-b": free_port(), "new-a": free_port(), "new-b": free_port()}

    outcomes: list[int | str] = []
    exit_codes: list[int] = []
    with ExitStack() as stack:
        olds = {
            name: stack.enter_context(_replica(env, slots[name], tmp_path, name))
            for name in ("old-a", "old-b")
        }
        balancer = stack.enter_context(haproxy(slots, tmp_path))
        for name, state in (("old-a", "UP"), ("old-b", "UP"), ("new-a", "DOWN")):
            await _until_state(balancer, name, state)
        rollout_done = asyncio.Event()
        load = asyncio.create_task(_load(balancer.url, creator.slug, rollout_done, outcomes))
        for old_name, new_name in (("old-a", "new-a"), ("old-b", "new-b")):
            # Started in a thread: the request loop keeps running meanwhile.
            await asyncio.to_thread(
                stack.enter_context, _replica(env, slots[new_name], tmp_path, new_name)
            )
            await _until_state(balancer, new_name, "UP")
            exit_codes.append(await _terminate(olds[old_name]))
            await _until_state(balancer, old_name, "DOWN")
        rollout_done.set()
        await load

    failed = [outcome for outcome in outcomes if outcome != 200]
    server_errors = [o for o in failed if isinstance(o, str) and o.startswith("5")]
    fault_report(
        FaultRow(
            fault="rolling replacement of 2 api replicas behind HAProxy",
            goal="0 failed requests, old replicas shut down cleanly",
            server_errors=len(server_errors),
            failed_requests=len(failed),
            notes=f"{len(outcomes)} requests; exit codes {exit_codes}",
        )
    )
    assert len(outcomes) > 0
    assert failed == []
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly, hence -15.
    assert exit_codes == [-signal.SIGTERM, -signal.SIGTERM]


async def _terminate(old: RunningProcess) -> int:
    """What the kubelet does: SIGTERM, then wait for the process (within its grace period)."""
    old.signal(signal.SIGTERM)
    return await asyncio.to_thread(old.wait, 60)


async def _load(url: str, slug: str, done: asyncio.Event, outcomes: list[int | str]) -> None:
    """Requests until the rollout is over (and a few after), never more than MAX_REQUESTS."""
    finished_at: float | None = None

    async def one_client(http: httpx.AsyncClient) -> None:
        nonlocal finished_at
        while len(outcomes) < MAX_REQUESTS:
            if done.is_set():
                finished_at = finished_at or time.monotonic()
                if time.monotonic() - finished_at > 1:
                    return
            try:
                response = await http.get(f"{url}/api/v1/creators/{slug}")
                outcomes.append(
                    200
                    if response.status_code == 200
                    else f"{response.status_code} {response.text[:80]}"
                )
            except httpx.HTTPError as error:
                outcomes.append(type(error).__name__)
            await asyncio.sleep(0.01)

    async with httpx.AsyncClient(timeout=30) as http:
        await asyncio.gather(*(one_client(http) for _ in range(CONCURRENCY)))
