"""The notifications worker: consumes the notifications queue and sweeps the delivery ledger."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from pickey_core.queue.contracts import (
    AnnounceComment,
    AnnounceGift,
    AnnounceLive,
    AnnounceMediaFailed,
    AnnounceNewPost,
    AnnouncePayment,
    AnnounceRefund,
    DiscountExpiring,
    FanOutChunk,
    HandleMailgunEvent,
    MembershipNotice,
    PayoutAccountChanged,
    Queue,
    SendAccountEmail,
    SendWelcome,
)
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_notifications.account_emails.tasks import send_account_email
from pickey_notifications.comments.tasks import announce_comment
from pickey_notifications.deliveries.tasks import sweep
from pickey_notifications.media.tasks import announce_media_failed
from pickey_notifications.offers.tasks import announce_gift, discount_expiring
from pickey_notifications.payments.tasks import (
    announce_payment,
    announce_refund,
    membership_notice,
)
from pickey_notifications.payouts.tasks import payout_account_changed
from pickey_notifications.posts.tasks import announce_live, announce_new_post, fan_out_chunk
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.webhooks.tasks import handle_mailgun_event
from pickey_notifications.welcome.tasks import send_welcome
from pickey_notifications.worker_clients import Clients

ROUTES: list[JobRoute[Any]] = [
    JobRoute(SendWelcome, send_welcome),
    JobRoute(SendAccountEmail, send_account_email),
    JobRoute(AnnounceNewPost, announce_new_post),
    JobRoute(AnnounceLive, announce_live),
    JobRoute(FanOutChunk, fan_out_chunk),
    JobRoute(AnnouncePayment, announce_payment),
    JobRoute(MembershipNotice, membership_notice),
    JobRoute(AnnounceRefund, announce_refund),
    JobRoute(AnnounceGift, announce_gift),
    JobRoute(DiscountExpiring, discount_expiring),
    JobRoute(AnnounceComment, announce_comment),
    JobRoute(AnnounceMediaFailed, announce_media_failed),
    JobRoute(PayoutAccountChanged, payout_account_changed),
    JobRoute(HandleMailgunEvent, handle_mailgun_event),
]
CLIENTS = "notifications.clients"


def notifications_worker(settings: NotificationsSettings) -> dict[str, Any]:
    async def open_clients(ctx: dict[str, Any]) -> None:
        clients = Clients.open(settings)
        clients.register(ctx["clients"])
        ctx[CLIENTS] = clients

    async def close_clients(ctx: dict[str, Any]) -> None:
        clients: Clients | None = ctx.get(CLIENTS)
        if clients is not None:
            await clients.aclose()

    options = worker_options(
        settings, Queue.NOTIFICATIONS, ROUTES, on_startup=open_clients, on_shutdown=close_clients
    )
    options["cron_jobs"].append(
        cron(
            sweep,
            name="notifications.resume_deliveries",
            minute=None,
            second={0},
            unique=True,
            max_tries=1,
            timeout=settings.worker.job_timeout_seconds,
        )
    )
    return options
