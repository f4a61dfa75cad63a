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

# As the chart's preStopSeconds: HAProxy checks every 0.3 s and takes a replica out after three
# failures (~1 s), with room for checks that a busy host delays.
DRAIN_SECONDS = 5
MAX_REQUESTS = 20_000  # ~400 requests a second at most: the whole rollout is under load
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
    timeline = Timeline()
    with ExitStack() as stack:
        olds = {
            name: stack.enter_context(_replica(env, slots[name], tmp_path, name))
            for name in ("old-a", "old-b")
        }
        balancer = stack.enter_context(haproxy(slots, tmp_path))
        # HAProxy counts every server UP until its first check: load starts only once both
        # empty slots were checked and found DOWN (else round robin sends a request there).
        for name, state in (("old-a", "UP"), ("old-b", "UP"), ("new-a", "DOWN"), ("new-b", "DOWN")):
            await _until_state(balancer, name, state)
        rollout_done = asyncio.Event()
        load = asyncio.create_task(
            _load(balancer.url, creator.slug, rollout_done, outcomes, timeline)
        )
        for old_name, new_name in (("old-a", "new-a"), ("old-b", "new-b")):
            # Started in a thread: the request loop keeps running meanwhile.
            timeline.note(f"starting {new_name}")
            await asyncio.to_thread(
                stack.enter_context, _replica(env, slots[new_name], tmp_path, new_name)
            )
            await _until_state(balancer, new_name, "UP")
            timeline.note(f"{new_name} UP; SIGTERM to {old_name}")
            exit_codes.append(await _terminate(olds[old_name]))
            timeline.note(f"{old_name} exited")
            await _until_state(balancer, old_name, "DOWN")
            timeline.note(f"{old_name} DOWN")
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
    assert failed == [], timeline.explain(tmp_path / "haproxy.log")
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly, hence -15.
    assert exit_codes == [-signal.SIGTERM, -signal.SIGTERM]


async def _terminate(old: RunningProcess) -> int:
    """What the kubelet does: SIGTERM, then wait for the process (within its grace period)."""
    old.signal(signal.SIGTERM)
    return await asyncio.to_thread(old.wait, 60)


class Timeline:
    """When each rollout step and each failed request happened, for the failure message."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._lines: list[str] = []

    def note(self, what: str) -> None:
        self._lines.append(f"{time.monotonic() - self._started:7.2f} s  {what}")

    def explain(self, haproxy_log: Path) -> str:
        lines = haproxy_log.read_text(errors="replace").splitlines()
        checks = [
            line
            for line in lines
            if line.startswith(("Health check", "Server ")) or " 503 " in line or " 502 " in line
        ][-60:]
        return "\n".join(["timeline:", *self._lines, "haproxy:", *checks])


async def _load(
    url: str,
    slug: str,
    done: asyncio.Event,
    outcomes: list[int | str],
    timeline: Timeline,
) -> None:
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
                outcome: int | str = (
                    200
                    if response.status_code == 200
                    else f"{response.status_code} {response.text[:80]}"
                )
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            outcomes.append(outcome)
            if outcome != 200:
                timeline.note(f"request failed: {outcome}")
            await asyncio.sleep(0.01)

    async with httpx.AsyncClient(timeout=30) as http:
        await asyncio.gather(*(one_client(http) for _ in range(CONCURRENCY)))
