"""Every service's worker is wired one way: its jobs, the outbox sweeper and its periodic jobs,
each periodic job never run twice at once and never retried but by its next run."""

from __future__ import annotations

import pytest

from pickey_api.worker import api_worker
from pickey_core.queue.worker import WorkerOptions
from pickey_media.settings import MediaSettings
from pickey_media.worker import media_worker
from pickey_notifications.worker import notifications_worker
from pickey_payments.worker import payments_worker
from tests.support.settings import TestEnvironment

PERIODIC = {
    "api": {"outbox.sweep", "posts.publish_due"},
    "payments": {
        "outbox.sweep",
        "payments.renew_memberships",
        "payments.reconcile",
        "payments.run_payouts",
        "payments.warn_expiring_discount_codes",
        "payments.compute_analytics",
    },
    "media": {"outbox.sweep"},
    "notifications": {"outbox.sweep", "notifications.resume_deliveries"},
}


@pytest.fixture
def workers(test_env: TestEnvironment) -> dict[str, WorkerOptions]:
    media = MediaSettings(
        _env_file=None,
        environment="test",
        database_url=test_env.database_url,
        redis_url=test_env.redis_url,
        mux_webhook={"secrets": "whsec-wiring-0123456789"},
    )
    return {
        "api": api_worker(test_env.api()),
        "payments": payments_worker(test_env.payments()),
        "media": media_worker(media),
        "notifications": notifications_worker(test_env.notifications()),
    }


@pytest.mark.parametrize("service", sorted(PERIODIC))
def test_each_worker_declares_its_periodic_jobs_with_one_set_of_guarantees(
    workers: dict[str, WorkerOptions], service: str
) -> None:
    options = workers[service]

    assert {job.name for job in options.cron_jobs} == PERIODIC[service]
    for job in options.cron_jobs:
        assert job.unique, job.name
        assert job.max_tries == 1, job.name
        assert job.timeout_s, job.name
        # Never "every second": each runs at chosen seconds of the minute.
        assert job.second is not None, job.name
    assert options.queue_name == f"pickey:queue:{service}"


def test_the_minute_a_payout_run_starts_is_its_only_minute(
    workers: dict[str, WorkerOptions],
) -> None:
    [payouts] = [job for job in workers["payments"].cron_jobs if job.name == "payments.run_payouts"]

    assert (payouts.minute, payouts.second, payouts.run_at_startup) == ({7}, {0}, True)
