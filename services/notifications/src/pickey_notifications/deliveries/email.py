"""Send one email delivery through the provider, exactly once in effect.

The ledger row is claimed (``sending``) and committed *before* the provider call and settled
after it, each in its own short transaction, so a second run of the same job finds ``sent`` and
does nothing. Mailgun has no idempotency key, so this ledger is the only deduplication.
"""

from __future__ import annotations

import uuid

import structlog
from arq import Retry

from pickey_core.models import DeliveryState
from pickey_core.providers.errors import ProviderRateLimited, ProviderRejected, ProviderUnavailable
from pickey_core.providers.mailgun import EmailMessage, MailgunClient
from pickey_core.queue.worker import JobContext, backoff_seconds
from pickey_notifications.deliveries import repository

logger = structlog.get_logger(__name__)

DELIVERY_HEADER = "X-Pickey-Delivery"


async def deliver_email(
    ctx: JobContext, client: MailgunClient, delivery_id: uuid.UUID, message: EmailMessage
) -> None:
    resources = ctx.resources
    async with resources.unit_of_work() as session:
        if not await repository.claim(session, delivery_id):
            logger.info("email already settled; not sending again", delivery_id=str(delivery_id))
            return
    tagged = message.model_copy(
        update={
            "headers": {**message.headers, DELIVERY_HEADER: str(delivery_id)},
            "variables": {**message.variables, "delivery_id": str(delivery_id)},
        }
    )
    try:
        provider_id = await client.send(tagged)
    except ProviderRejected as error:
        async with resources.unit_of_work() as session:
            await repository.settle(session, delivery_id, DeliveryState.FAILED, error=str(error))
        logger.warning("email rejected by provider", delivery_id=str(delivery_id), error=str(error))
        return
    except (ProviderRateLimited, ProviderUnavailable) as error:
        # Back to pending: not sent, to be retried; the job retries after a pause.
        async with resources.unit_of_work() as session:
            await repository.settle(session, delivery_id, DeliveryState.PENDING, error=str(error))
        delay = getattr(error, "retry_after", None) or backoff_seconds(
            ctx.job_try, resources.settings.worker.retry_backoff_max_seconds
        )
        raise Retry(defer=delay) from error
    async with resources.unit_of_work() as session:
        await repository.settle(
            session, delivery_id, DeliveryState.SENT, provider_message_id=provider_id
        )
    logger.info("email sent", delivery_id=str(delivery_id), provider_message_id=provider_id)
