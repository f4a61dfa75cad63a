"""Sign up over HTTP against the real api server; the real notifications worker sends the welcome
email through the sandbox over HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import redis

from tests.support.e2e_sign_up import sign_up, wait_for_messages
from tests.support.processes import running_all, web, worker
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment


def test_sign_up_over_http_sends_the_welcome_email(
    test_env: TestEnvironment, clean_state: None, mailgun_sandbox: MailgunSandbox, tmp_path: Path
) -> None:
    api, api_url = web("api")

    with running_all(
        [api, worker("notifications")], env=test_env.variables(), log_dir=tmp_path
    ) as processes:
        response = sign_up(api_url, "gordikey@example.cz")
        assert response.status_code == 201, response.text
        assert response.headers["x-request-id"]

        emails = wait_for_messages(mailgun_sandbox, "gordikey@example.cz", count=2)
        assert {email["subject"] for email in emails} == {
            "Vítejte na Pickey, Gordíkey!",
            "Potvrďte svůj e-mail na Pickey",
        }
        time.sleep(1)  # nothing else arrives
        assert len(mailgun_sandbox.messages()) == 2  # welcome and email verification

    job_log = processes["notifications-worker"].log()
    assert '"event": "email sent"' in job_log
    assert '"job_id": ' in job_log


def test_the_worker_sweeper_recovers_jobs_lost_with_redis(
    test_env: TestEnvironment, clean_state: None, mailgun_sandbox: MailgunSandbox, tmp_path: Path
) -> None:
    api, api_url = web("api")
    with running_all([api], env=test_env.variables(), log_dir=tmp_path):
        assert sign_up(api_url, "lost@example.cz").status_code == 201
    redis.Redis.from_url(test_env.redis_url).flushdb()  # Redis lost the queued job

    fast_sweep = worker(
        "notifications",
        PICKEY_OUTBOX_STALE_AFTER_SECONDS="1",
        PICKEY_WORKER__OUTBOX_SWEEP_EVERY_SECONDS="1",
    )
    with running_all([fast_sweep], env=test_env.variables(), log_dir=tmp_path):
        wait_for_messages(mailgun_sandbox, "lost@example.cz", count=2)
        time.sleep(2)  # further sweeps push nothing more

    assert len(mailgun_sandbox.messages()) == 2  # welcome and email verification
