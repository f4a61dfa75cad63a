"""The outcome of a run as Prometheus metrics, pushed to a Pushgateway (a CronJob's pod is gone
before Prometheus could scrape it).

Pushed with POST (``pushadd``), which replaces only the metrics sent: a failed run updates the
failure time and leaves the last success time in place, so ``PickeyBackupTooOld`` measures the
age of the last good dump, not of the last attempt.
"""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

JOB = "pickey-backup"
LAST_SUCCESS = "pickey_backup_last_success_timestamp_seconds"
LAST_FAILURE = "pickey_backup_last_failure_timestamp_seconds"
LAST_SIZE = "pickey_backup_last_size_bytes"
LAST_DURATION = "pickey_backup_last_duration_seconds"
METRIC_NAMES = frozenset({LAST_SUCCESS, LAST_FAILURE, LAST_SIZE, LAST_DURATION})


def success_registry(
    finished_at: float, size_bytes: int, duration_seconds: float
) -> CollectorRegistry:
    registry = CollectorRegistry()
    Gauge(LAST_SUCCESS, "When the last backup succeeded (Unix time).", registry=registry).set(
        finished_at
    )
    Gauge(LAST_SIZE, "Size of the last successful dump.", registry=registry).set(size_bytes)
    Gauge(LAST_DURATION, "Run time of the last successful backup.", registry=registry).set(
        duration_seconds
    )
    return registry


def failure_registry(failed_at: float) -> CollectorRegistry:
    registry = CollectorRegistry()
    Gauge(LAST_FAILURE, "When the last backup failed (Unix time).", registry=registry).set(
        failed_at
    )
    return registry


async def push(gateway_url: str, registry: CollectorRegistry, database: str) -> None:
    """Send to the Pushgateway (a no-op when none is configured)."""
    if not gateway_url:
        return
    await asyncio.to_thread(
        pushadd_to_gateway,
        gateway_url,
        job=JOB,
        registry=registry,
        grouping_key={"database": database},
        timeout=10,
    )
