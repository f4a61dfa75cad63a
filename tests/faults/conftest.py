"""The fault suite (``just faults``): each test reproduces one outage of issue 12 with its own
PostgreSQL and Redis instances and records what it observed in the table printed at the end.

These tests take minutes together, so a plain run skips them; select them with ``-m faults``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from tests.faults import report
from tests.support.own_instances import OwnPostgres, OwnRedis, own_postgres, own_redis


def _selected(config: pytest.Config) -> bool:
    return "faults" in str(config.getoption("-m") or "") and "not faults" not in str(
        config.getoption("-m")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _selected(config):
        return
    skip = pytest.mark.skip(reason="fault suite: run with `just faults` (-m faults)")
    for item in items:
        if item.get_closest_marker("faults") is not None:
            item.add_marker(skip)


def pytest_sessionstart(session: pytest.Session) -> None:
    if _selected(session.config) and not hasattr(session.config, "workerinput"):
        report.reset()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    found = report.rows()
    if _selected(terminalreporter.config) and found:
        terminalreporter.section("fault suite: what each outage did")
        terminalreporter.write_line(report.table(found))


@pytest.fixture
def fault_report() -> Callable[[report.FaultRow], None]:
    return report.record


@pytest.fixture(scope="session")
async def fault_postgres() -> AsyncIterator[OwnPostgres]:
    """A PostgreSQL of the fault suite's own (migrated ``pickey`` database), one per process."""
    async with own_postgres() as server:
        yield server


@pytest.fixture
def redis_server() -> Iterator[OwnRedis]:
    """A Redis of the test's own with AOF on (as production's queue Redis), to stop at will."""
    with own_redis(aof=True) as server:
        yield server
