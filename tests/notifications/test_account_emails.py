"""Account emails (verification, password reset): language by locale, the link from ``app_url``,
once per token through the delivery ledger, the token kept out of stored notifications."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from pickey_core.models import DeliveryState, Notification, NotificationDelivery, User
from pickey_core.queue import outbox
from pickey_core.queue.contracts import SendAccountEmail
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.support.db import all_rows
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

TOKEN = "Zk3v0JcV4gP2yq8n-_bQx1sT7rW9uYhLmN5oPaEdCfG"


@pytest.fixture
def settings(test_env: TestEnvironment) -> NotificationsSettings:
    return test_env.notifications(
        app_url="https://pickey.test/", worker={"retry_backoff_max_seconds": 1}
    )


@pytest.fixture
def worker(settings: NotificationsSettings) -> WorkerOptions:
    return notifications_worker(settings)


async def new_user(resources: Resources, *, locale: str = "cs", **fields: Any) -> uuid.UUID:
    async with resources.unit_of_work() as session:
        user = User(
            email="gordikey@example.cz",
            password_hash="x",
            display_name="Gordíkey",
            locale=locale,
            **fields,
        )
        session.add(user)
        await session.flush()
        return user.id


async def queue(resources: Resources, user_id: uuid.UUID, purpose: str) -> None:
    async with resources.unit_of_work() as session:
        outbox.enqueue(
            session,
            SendAccountEmail.model_validate(
                {"user_id": user_id, "purpose": purpose, "token": TOKEN}
            ),
        )


@pytest.mark.parametrize(
    ("purpose", "locale", "subject", "link"),
    [
        (
            "password_reset",
            "en",
            "Reset your Pickey password",
            f"https://pickey.test/reset-password?token={TOKEN}",
        ),
        (
            "password_reset",
            "cs",
            "Obnovení hesla na Pickey",
            f"https://pickey.test/reset-password?token={TOKEN}",
        ),
        (
            "verify_email",
            "en",
            "Confirm your email address on Pickey",
            f"https://pickey.test/verify-email?token={TOKEN}",
        ),
        (
            "verify_email",
            "cs",
            "Potvrďte svůj e-mail na Pickey",
            f"https://pickey.test/verify-email?token={TOKEN}",
        ),
    ],
)
async def test_the_email_carries_the_link_in_the_users_language(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    purpose: str,
    locale: str,
    subject: str,
    link: str,
) -> None:
    user_id = await new_user(resources, locale=locale)
    await queue(resources, user_id, purpose)

    await drain(worker)

    [email] = mailgun_sandbox.messages(to="gordikey@example.cz")
    assert email["subject"] == subject
    assert link in email["text"]
    assert f'href="{link}"' in email["html"]
    assert "Gordíkey" in email["text"]
    assert email["tags"] == [purpose]
    [delivery] = await all_rows(resources, NotificationDelivery)
    assert delivery.state is DeliveryState.SENT
    assert delivery.provider_message_id == email["id"]


async def test_the_token_stays_out_of_the_notification(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user_id = await new_user(resources)
    await queue(resources, user_id, "password_reset")

    await drain(worker)

    [notification] = await all_rows(resources, Notification)
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    assert notification.event_key == f"password_reset:{digest}"
    assert notification.kind == "password_reset"
    assert TOKEN not in repr(notification.data)
    assert TOKEN not in notification.event_key


async def test_the_same_token_is_emailed_once_however_often_its_job_runs(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user_id = await new_user(resources)
    await queue(resources, user_id, "password_reset")
    await drain(worker)

    await queue(resources, user_id, "password_reset")  # the same token again, as a new job
    await drain(worker)

    assert len(mailgun_sandbox.messages()) == 1
    [delivery] = await all_rows(resources, NotificationDelivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)


async def test_a_provider_outage_is_retried_until_sent(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 503)
    user_id = await new_user(resources)
    await queue(resources, user_id, "verify_email")

    await drain(worker)

    [delivery] = await all_rows(resources, NotificationDelivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)
    assert len(mailgun_sandbox.messages()) == 1


async def test_a_deleted_user_gets_nothing(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user_id = await new_user(resources, deleted_at=datetime.now(UTC))
    await queue(resources, user_id, "password_reset")

    await drain(worker)

    assert mailgun_sandbox.messages() == []
    assert await all_rows(resources, NotificationDelivery) == []


async def test_an_already_verified_address_gets_no_verification_email(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user_id = await new_user(resources, email_verified_at=datetime.now(UTC))
    await queue(resources, user_id, "verify_email")
    await queue(resources, uuid.uuid4(), "verify_email")  # an account that no longer exists

    await drain(worker)

    assert mailgun_sandbox.messages() == []
